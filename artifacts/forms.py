"""Curators' forms: photo intake and custody events.

Both validate everything before anything is written, so a refused file or event leaves
no row and no file behind. Neither form saves itself the ModelForm way: a photo's file is
stored by services.fill_photo_from_upload (original unchanged, derivatives stripped) and
an event is appended by custody.services.record_custody_event (numbered, hashed, logged).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts import held_uploads, imaging, services
from artifacts.custody import services as custody_services
from artifacts.models import CustodyEvent, Photo, Relation

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/tiff,.jpg,.jpeg,.png,.webp,.tif,.tiff"
ORIGINAL_HELP = _(
    "JPEG, PNG, WebP or TIFF. The file is stored byte for byte as evidence and never replaced: "
    "to use a different file, add a new photo. Readers see copies with all metadata (EXIF, GPS) removed."
)
REPLACE_REFUSED = _(
    "The original of a stored photo cannot be replaced: originals are kept unchanged as evidence. "
    "Add the new file as a new photo instead."
)


class OriginalFileInput(held_uploads.HeldFileInput):
    """A file chooser for a new photo (or the file held from a failed attempt); for a
    stored photo, a statement of what is kept."""

    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPTED_TYPES, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, FieldFile) and value.name and value.instance.pk:
            photo = value.instance
            return format_html(
                '<span class="stored-original">{}</span>',
                format_html(
                    gettext(
                        "Stored original: {format} {width} × {height}, {size}, SHA-256 <code>{sha256}…</code>. "
                        "Kept unchanged."
                    ),
                    format=photo.image_format,
                    width=photo.width,
                    height=photo.height,
                    size=filesizeformat(photo.byte_size),
                    sha256=photo.sha256[:16],
                ),
            )
        return super().render(name, value, attrs, renderer)


class PhotoForm(forms.ModelForm):
    original = held_uploads.HeldFileField(label=_("Original file"), widget=OriginalFileInput, help_text=ORIGINAL_HELP)

    class Meta:
        model = Photo
        fields = [
            "artifact",
            "original",
            "caption",
            "credit",
            "date_taken",
            "position",
            "access_level",
            "is_illustration",
            "shows_personal_data",
            "graphic_content",
            "redacted_from",
        ]
        widgets = {"caption": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: imaging.PreparedUpload | None = None
        if self.instance.pk:
            # Editing a caption must not ask for the file again.
            self.fields["original"].required = False

    def clean_original(self):
        uploaded = self.cleaned_data.get("original")
        if self.instance.pk:
            if isinstance(uploaded, UploadedFile):
                raise ValidationError(REPLACE_REFUSED, code="replace_refused")
            return self.instance.original
        if isinstance(uploaded, UploadedFile):
            # Decodes the whole image and makes its derivatives now, so that saving cannot fail
            # later because of what is in the file.
            self.prepared = imaging.prepare_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("redacted_from")
        if source is not None:
            artifact_id = cleaned["artifact"].pk if cleaned.get("artifact") else self.instance.artifact_id
            if source.pk == self.instance.pk and source.pk is not None:
                self.add_error("redacted_from", gettext("A photo cannot be a redacted version of itself."))
            elif source.artifact_id != artifact_id:
                self.add_error("redacted_from", gettext("The photo it was redacted from must show the same artifact."))
            if cleaned.get("shows_personal_data"):
                self.add_error(
                    "shows_personal_data",
                    gettext(
                        "A redacted version is the copy that hides faces and personal data; "
                        "untick this, or do not mark the photo as a redacted version."
                    ),
                )
        return cleaned

    def store_upload(self, *, uploaded_by) -> list[str]:
        """Write a new photo's original and derivatives onto the (unsaved) instance.
        Returns the storage names written, for removal if the save does not complete."""
        if not self.instance._state.adding:
            return []
        written = services.fill_photo_from_upload(
            photo=self.instance, uploaded=self.cleaned_data["original"], prepared=self.prepared
        )
        self.instance.uploaded_by = uploaded_by
        return written


# The fields of an event that a curator states; the rest (sequence, hashes, who and when
# it was recorded) are set by custody.services.record_custody_event.
CUSTODY_FIELDS = [
    "event_type",
    "occurred",
    "occurred_as_reported",
    "place",
    "destination",
    "released_by",
    "released_by_role",
    "received_by",
    "received_by_role",
    "authorised_by",
    "witnesses",
    "purpose",
    "condition_before",
    "condition_after",
    "seal_numbers_out",
    "seal_numbers_in",
    "seal_intact",
    "note",
    "corrects",
]


class CustodyEventForm(forms.ModelForm):
    attachment = held_uploads.HeldFileField(
        label=_("Document"),
        required=False,
        help_text=_(
            "Optional: a scan of a signed transfer form, a photo of a seal… Stored unchanged; "
            "its SHA-256 becomes part of the event's hash."
        ),
    )
    attachment_description = forms.CharField(
        label=_("Document description"), required=False, max_length=300, help_text=_("e.g. signed transfer form.")
    )

    class Meta:
        model = CustodyEvent
        fields = ["artifact", *CUSTODY_FIELDS]
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 80})}

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        limit = settings.ARCHIVE_MAX_UPLOAD_BYTES
        if uploaded is not None and uploaded.size > limit:
            raise ValidationError(
                gettext("The document is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("attachment_description") and not cleaned.get("attachment"):
            self.add_error("attachment", gettext("Choose the document file that this description belongs to."))
        if "event_type" in cleaned and "corrects" in cleaned:
            artifact = cleaned.get("artifact") or getattr(self.instance, "artifact", None)
            try:
                custody_services.validate_correction(cleaned["event_type"], cleaned["corrects"], artifact)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def record(self, *, artifact, recorded_by) -> CustodyEvent:
        """Append the event through the service: numbered, chained and hashed."""
        fields = {name: self.cleaned_data.get(name) for name in CUSTODY_FIELDS}
        for name in CUSTODY_FIELDS:
            if fields[name] is None and name not in ("seal_intact", "corrects"):
                fields[name] = ""
        attachment = self.cleaned_data.get("attachment")
        attachments = [(attachment, self.cleaned_data.get("attachment_description", ""))] if attachment else []
        return custody_services.record_custody_event(
            artifact=artifact, recorded_by=recorded_by, attachments=attachments, **fields
        )


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["from_artifact", "to_artifact", "relation_type", "note"]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("to_artifact")
        source_id = cleaned["from_artifact"].pk if cleaned.get("from_artifact") else self.instance.from_artifact_id
        if target is not None and source_id is not None and target.pk == source_id:
            self.add_error("to_artifact", gettext("An artifact cannot be related to itself."))
        return cleaned
