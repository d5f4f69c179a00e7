"""Entering an artifact: the first step that asks its type, and several photos at once.

The photo inline takes one file per row and three clicks per photo; "Add photos" takes
any number of files in one choice. Each file is validated with the form (a refused file
is a field error naming it, before anything is saved) and stored after the record by
services.add_photo, in the order chosen, after the photos already there.
"""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts import exif_privacy, held_uploads, imaging, services
from artifacts.admin import shape
from artifacts.admin.common import note_written
from artifacts.choices import ArtifactType
from artifacts.models import Artifact, Photo
from artifacts.models.artifact import ABSENT_DETAILS

ADD_PHOTOS_HELP = _(
    "Choose one or more images; each becomes a photo, in the order chosen, after the photos already here. "
    "Its caption starts as the title and a number: change it, the credit and who may see it on the photo "
    "below once saved. Photos of a military ID are marked as showing personal data."
)


class MultipleImageField(held_uploads.HeldFileField):
    """Several files in one choice; those of a form that failed elsewhere are held
    (held_uploads) and come back ticked on the form shown again."""

    widget = held_uploads.HeldFilesInput

    def bound_data(self, data, initial):
        return data

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(file, initial) for file in files]


def _metadata_attrs() -> dict:
    """What the browser's EXIF check looks for and says, in the server's own words
    (exif_privacy), so the notice before saving and the warning after it agree; and the
    script's other words about the chosen files. In the language of the request: called
    for each form."""
    texts = exif_privacy.browser_texts()
    return {
        "data-exif-labels": json.dumps(texts["labels"], ensure_ascii=False),
        "data-exif-notice": texts["notice"],
        "data-exif-gps": texts["gps"],
        "data-exif-gps-data": texts["gps_data"],
        "data-exif-tag": texts["tag"],
        "data-previews-label": gettext("Photos to be added, in order"),
        "data-preview-alt": gettext("Preview of {name}"),
    }


def _type_select_attrs() -> dict:
    """What the script says when the type is changed on the form (static/js/admin-entry.js)."""
    return {
        "data-saved-note": gettext("Save to see the parts this type records; nothing entered is hidden."),
        "data-reload-question": gettext("Reload the form for this type? What you have typed is not kept."),
        "data-kept-note": gettext("The form still shows the parts of the type it was opened for."),
    }


class ArtifactEntryForm(forms.ModelForm):
    # A list of detail names in the model (JSON): ticked here, from the fixed list only.
    not_published = forms.MultipleChoiceField(
        label=_("Not published by the source"),
        choices=ABSENT_DETAILS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick each empty detail that the source was consulted for and did not publish; pages say "
            "“not published”. An empty detail left unticked is shown as “not recorded”."
        ),
    )
    add_photos = MultipleImageField(
        label=_("Add photos"),
        required=False,
        help_text=ADD_PHOTOS_HELP,
        widget=held_uploads.HeldFilesInput(attrs={"accept": "image/jpeg,image/png,image/tiff,image/webp"}),
    )

    # The type the form's inlines were rendered for: the posted formsets are that type's,
    # even when the type select has been changed since.
    entry_type = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Artifact
        fields = ["artifact_type"]  # the admin builds the form with the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rendered = self.instance.artifact_type if self.instance.pk else self.initial.get("artifact_type")
        self.fields["entry_type"].initial = rendered
        # The script reloads an add form for a newly chosen type; a saved record keeps its data.
        self.fields["entry_type"].widget.attrs["data-adding"] = "0" if self.instance.pk else "1"
        self.fields["entry_type"].widget.attrs.update(_type_select_attrs())
        if "add_photos" in self.fields:
            self.fields["add_photos"].widget.attrs.update(_metadata_attrs())
        field = self.fields.get("artifact_type")
        if field is None:
            return
        if self.instance.pk:
            field.help_text = gettext("Changing it shows the parts the new type records once the record is saved.")
        else:
            field.help_text = format_html(
                gettext(
                    'The form shows what this type records. <a href="{url}">Choose another type</a> (what is typed '
                    "here is not kept), or change it here and the page reloads for it where scripts run."
                ),
                url="?",
            )

    def clean_add_photos(self):
        files = self.cleaned_data.get("add_photos") or []
        errors = []
        for uploaded in files:
            try:
                imaging.prepare_upload(uploaded)
            except ValidationError as error:
                params = [{"name": uploaded.name, "message": message} for message in error.messages]
                errors.extend(ValidationError(gettext("“%(name)s”: %(message)s"), params=p) for p in params)
            finally:
                uploaded.seek(0)
        if errors:
            raise ValidationError(errors)
        return files


def caption_for(artifact: Artifact, number: int) -> str:
    return f"{artifact.title} (photo {number})"[:500]


def store_added_photos(request, form) -> list[Photo]:
    """Store the files of "Add photos" once the record and its inlines are saved, so their
    positions follow every photo already there, including those just entered in the inline."""
    files = form.cleaned_data.get("add_photos") or []
    artifact = form.instance
    highest = Photo.objects.filter(artifact=artifact).aggregate(top=Max("position"))["top"]
    start = 0 if highest is None else highest + 1
    photos = []
    for offset, uploaded in enumerate(files):
        photo = services.add_photo(
            artifact=artifact,
            uploaded=uploaded,
            caption=caption_for(artifact, start + offset + 1),
            uploaded_by=request.user,
            position=start + offset,
            # An ID's every side shows its holder's details: never public until a curator says otherwise.
            shows_personal_data=artifact.artifact_type == ArtifactType.MILITARY_ID,
        )
        note_written(request, [photo.original.name, photo.display.name, photo.thumbnail.name])
        text = exif_privacy.notice(photo.caption, photo.exif)
        if text:
            messages.warning(request, text)
        photos.append(photo)
    return photos


def choose_type_response(model_admin, request):
    """The add page's first step: which type of artifact, as plain links (no script needed)."""
    choices = []
    for choice in shape.type_choices():
        query = request.GET.copy()
        query["artifact_type"] = choice["value"]
        choices.append({**choice, "url": "?" + query.urlencode()})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Add artifact: what kind of artifact is it?"),
        "subtitle": None,
        "choices": choices,
        "media": model_admin.media,
    }
    return TemplateResponse(request, "admin/artifacts/artifact/choose_type.html", context)
