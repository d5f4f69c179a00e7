"""The forms of search by picture and of the "same object" link."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from artifacts.forms import ACCEPTED_TYPES
from artifacts.models import Relation
from artifacts.similarity import picture


def _picture_help() -> str:
    return gettext(
        "A JPEG, PNG, WebP or TIFF image of at most %(limit)s. It is compared with the archive's photos and "
        "then discarded: it is never stored."
    ) % {"limit": filesizeformat(picture.max_bytes())}


class PictureSearchForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Picture"),
        help_text=lazy(_picture_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
        error_messages={"required": gettext_lazy("Choose a picture to search with.")},
    )

    def clean_image(self):
        uploaded = self.cleaned_data["image"]
        # The same checks as a curator's upload; the messages say what the file really is.
        self.fingerprints = picture.query_fingerprints(uploaded)
        return uploaded


class SameObjectForm(forms.Form):
    other = forms.CharField(widget=forms.HiddenInput, max_length=100)
    note = forms.CharField(
        label=gettext_lazy("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Relation._meta.get_field("note").max_length or 4000,
        help_text=gettext_lazy("Kept with the relation; say what shows that both records are one object."),
    )

    def clean_other(self):
        value = self.cleaned_data["other"]
        if "\x00" in value:
            raise ValidationError(gettext("No record with that accession number is available."))
        return value
