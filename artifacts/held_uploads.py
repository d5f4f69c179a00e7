"""The holding area: uploads that survive a form which fails for another reason.

When an admin form that carries a valid uploaded file is shown again with errors (an
invalid recovery date, a missing title…), the file is kept under MEDIA_ROOT/held/ with
its SHA-256 and original name, and the page carries a signed token for it. Resubmitted
without a new file, the form uses the held file as if it had just been uploaded, so the
curator does not have to find and pick every file again.

A held file is not evidence yet: no row, no log leaf. It is removed when the record that
claims it is saved (admin.common.RemovesWrittenFiles), or by `manage.py
clear_held_uploads` when the form is abandoned. The token is signed (salted, with the
file's digest) so a client cannot point a form at any other stored file.
"""

import contextlib
import datetime
import hashlib
import io
import re
import secrets
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FOLDER = "held"
SALT = "artifacts.held-upload"
# A held file outlives its token by nothing: the clear command's default age is the same.
MAX_AGE = datetime.timedelta(hours=24)
SUFFIX = "_held"
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})\Z")

# Why a held file cannot be used, each as a whole sentence (error code: message).
UNUSABLE = {
    "held_expired": _(
        "The file kept from your last attempt can no longer be used (it was kept too long). Choose the file again."
    ),
    "held_invalid": _(
        "The file kept from your last attempt can no longer be used (the page was altered). Choose the file again."
    ),
    "held_missing": _(
        "The file kept from your last attempt can no longer be used (it has been cleared away). Choose the file again."
    ),
    "held_changed": _(
        "The file kept from your last attempt can no longer be used (the kept file has changed). Choose the file again."
    ),
}


def _unusable(code: str) -> ValidationError:
    return ValidationError(UNUSABLE[code], code=code)


@dataclass(frozen=True)
class Held:
    """What a token says about a held file."""

    name: str  # its storage name under FOLDER
    original_name: str
    size: int
    sha256: str

    def describe(self) -> str:
        return f"{self.original_name}, {filesizeformat(self.size)}, SHA-256 {self.sha256[:16]}…"


class HeldUpload(UploadedFile):
    """A held file reopened for a resubmitted form: to the form and the services it is
    an upload like any other, under the name the curator's file had."""

    def __init__(self, held: Held, data: bytes):
        # In memory, as the services read a whole upload anyway (it is within the upload
        # limit), and so that no storage file is left open by whoever drops the form.
        super().__init__(io.BytesIO(data), held.original_name, "application/octet-stream", len(data))
        self.held = held


class Claim(str):
    """A token as posted in place of a file: resolved into a HeldUpload by the field."""


def _extension(original_name: str) -> str:
    match = _EXTENSION.search(original_name or "")
    return match.group(1).lower() if match else "bin"


def token_for(held: Held) -> str:
    return signing.dumps(
        {"n": held.name, "o": held.original_name, "s": held.size, "h": held.sha256}, salt=SALT, compress=True
    )


def read_token(token: str, *, max_age=MAX_AGE) -> Held:
    """The held file a token names; ValidationError if it was altered or has expired."""
    try:
        payload = signing.loads(str(token), salt=SALT, max_age=max_age)
        held = Held(name=payload["n"], original_name=payload["o"], size=int(payload["s"]), sha256=payload["h"])
    except signing.SignatureExpired:
        raise _unusable("held_expired") from None
    except (signing.BadSignature, ValueError, TypeError, KeyError, UnicodeError):
        raise _unusable("held_invalid") from None
    if not held.name.startswith(f"{FOLDER}/"):
        raise _unusable("held_invalid")
    return held


def claim(token: str) -> HeldUpload:
    held = read_token(token)
    if not default_storage.exists(held.name):
        raise _unusable("held_missing")
    with default_storage.open(held.name, "rb") as stored:
        data = stored.read()
    # The digest in the signed token is the one shown to the curator: the bytes must still match it.
    if hashlib.sha256(data).hexdigest() != held.sha256:
        raise _unusable("held_changed")
    return HeldUpload(held, data)


def hold(uploaded) -> Held:
    """Store an upload in the holding area; returns what its token will say."""
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    original_name = (getattr(uploaded, "name", "") or "upload")[:255]
    # Wrapped, so that the storage copies a temporary upload rather than moving it away
    # from under the request that still owns it.
    name = default_storage.save(f"{FOLDER}/{secrets.token_urlsafe(24)}.{_extension(original_name)}", File(uploaded))
    uploaded.seek(0)
    return Held(name=name, original_name=original_name, size=uploaded.size, sha256=digest.hexdigest())


def release(tokens) -> None:
    """Remove the held files these tokens name: the record that used them has been saved."""
    for token in tokens:
        try:
            held = read_token(token, max_age=None)
        except ValidationError:
            continue
        if default_storage.exists(held.name):
            default_storage.delete(held.name)


def posted_tokens(data) -> list[str]:
    """Every held-file token in a request's POST data."""
    return [value for key in data for value in data.getlist(key) if key.endswith(SUFFIX) and value]


def clear(older_than: datetime.timedelta) -> list[str]:
    """Remove held files older than `older_than`: forms abandoned with their errors."""
    try:
        # Listed rather than tested with exists(): a bucket has no folders to test for.
        filenames = default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - older_than
    removed = []
    for filename in filenames:
        name = f"{FOLDER}/{filename}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            removed.append(name)
    return removed


# --- the form side -----------------------------------------------------------------------


class HeldFileInput(forms.FileInput):
    """A file chooser that, after a failed submission, says which file it is holding and
    posts that file's token, so the form can be resubmitted without choosing it again."""

    def held_name(self, name: str) -> str:
        return f"{name}{SUFFIX}"

    def value_from_datadict(self, data, files, name):
        uploaded = super().value_from_datadict(data, files, name)
        if uploaded:
            return uploaded
        token = data.get(self.held_name(name))
        return Claim(token) if token else None

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and self.held_name(name) not in data

    def render(self, name, value, attrs=None, renderer=None):
        held = None
        if isinstance(value, Claim):
            # An unusable token: the field's error says why, and the chooser is offered alone.
            with contextlib.suppress(ValidationError):
                held = read_token(value)
        if held is None:
            return super().render(name, None, attrs, renderer)
        attrs = dict(attrs or {})
        note_id = f"{attrs.get('id', name)}_held_note"
        # Screen readers hear, with the file chooser, which file is already kept for it.
        attrs["aria-describedby"] = " ".join(filter(None, [note_id, attrs.get("aria-describedby")]))
        note = format_html(
            gettext(
                "Held: <strong>{name}</strong>, {size}, SHA-256 <code>{sha256}…</code>; "
                "it will be saved with the record. Choose a file only to use a different one."
            ),
            name=held.original_name,
            size=filesizeformat(held.size),
            sha256=held.sha256[:16],
        )
        return format_html(
            '<p class="held-upload" id="{}">{}</p><input type="hidden" name="{}" value="{}">{}',
            note_id,
            note,
            self.held_name(name),
            value,
            super().render(name, None, attrs, renderer),
        )


class HeldFilesInput(HeldFileInput):
    """The same for a chooser of several files: each held file is listed with a ticked box
    (untick it to leave that file out), and files chosen now are added after them."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        held = [Claim(token) for token in data.getlist(self.held_name(name)) if token]
        return held + list(forms.FileInput.value_from_datadict(self, data, files, name) or [])

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        chooser = forms.FileInput.render(self, name, None, attrs, renderer)
        rows = []
        for index, item in enumerate(value if isinstance(value, list) else []):
            if not isinstance(item, Claim):
                continue
            try:
                held = read_token(item)
            except ValidationError:
                continue
            box_id = f"{attrs.get('id', name)}_held_{index}"
            rows.append(
                format_html(
                    '<li><input type="checkbox" name="{}" value="{}" id="{}" checked> <label for="{}">'
                    "<strong>{}</strong>, {}, SHA-256 <code>{}…</code></label></li>",
                    self.held_name(name),
                    item,
                    box_id,
                    box_id,
                    held.original_name,
                    filesizeformat(held.size),
                    held.sha256[:16],
                )
            )
        if not rows:
            return chooser
        # One block, so that the admin's row layout puts the chooser under the list.
        return format_html(
            '<div class="held-files"><div class="held-upload"><p>{}</p><ul>{}</ul></div>{}</div>',
            gettext(
                "Held from your last attempt; ticked files will be saved with the record, "
                "after them any you choose now:"
            ),
            format_html("".join(["{}"] * len(rows)), *rows),
            chooser,
        )


class HeldFileField(forms.FileField):
    """A FileField that also accepts the token of a file held from an earlier attempt."""

    widget = HeldFileInput

    def bound_data(self, data, initial):
        # A file is never sent back to the browser, but a held file's token is.
        return data if isinstance(data, Claim) else initial

    def to_python(self, data):
        if isinstance(data, Claim):
            data = claim(data)
        return super().to_python(data)


def hold_form_files(form) -> None:
    """For a form shown again with errors: hold each valid new upload and make the page
    carry its token instead of the (never re-rendered) file."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    for field_name, field in form.fields.items():
        if not isinstance(field.widget, HeldFileInput) or field_name in form.errors:
            continue
        value = cleaned.get(field_name)
        uploads = value if isinstance(value, list) else [value]
        if not any(isinstance(item, UploadedFile) and not isinstance(item, HeldUpload) for item in uploads):
            continue
        # Files already held keep their token; new ones are held now, in the order chosen.
        tokens = [
            token_for(item.held) if isinstance(item, HeldUpload) else token_for(hold(item))
            for item in uploads
            if isinstance(item, UploadedFile)
        ]
        html_name = form.add_prefix(field_name)
        form.data = form.data.copy()
        form.data.setlist(field.widget.held_name(html_name), tokens)
        form.files = form.files.copy()
        form.files.pop(html_name, None)
