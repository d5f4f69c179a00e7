"""Where an import's image files come from: a folder or a ZIP archive.

Files are looked up by the name given in the import file. Nothing is extracted to disk:
each file is read into memory when it is checked or stored, one at a time, so an import
of thousands of photos never holds more than one image. Names cannot reach outside the
folder (no absolute paths, no “..”), and sizes are checked before reading, so a ZIP
member that claims to be small but inflates to gigabytes is refused at the limit.
"""

import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from artifacts import imaging

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class PhotoSourceError(Exception):
    """The folder or ZIP itself cannot be used."""


def _too_large(size: int) -> ValidationError:
    limit = settings.ARCHIVE_MAX_UPLOAD_BYTES
    return ValidationError(
        _("The file is %(size)s; the limit is %(limit)s."),
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValidationError(_("must be a file name inside the photos folder or ZIP, without “..”."))
    return path


class DirectorySource:
    def __init__(self, root):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise PhotoSourceError(_("The photos folder %(path)s does not exist.") % {"path": root})

    def read(self, name: str) -> bytes:
        path = (self.root / _safe_name(name)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValidationError(_("not found in the photos folder."))
        size = path.stat().st_size
        if size > settings.ARCHIVE_MAX_UPLOAD_BYTES:
            raise _too_large(size)
        return path.read_bytes()

    def close(self) -> None:
        pass


class ZipSource:
    """Members are found by their path in the archive, or by file name alone when only one
    member has that name (a ZIP of a folder puts every file under the folder's name)."""

    def __init__(self, file):
        try:
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError) as exc:
            raise PhotoSourceError(
                _("The photos file is not a readable ZIP archive (%(error)s).") % {"error": exc}
            ) from None
        self.members: dict[str, zipfile.ZipInfo] = {}
        by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for info in self.zip.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            self.members[info.filename] = info
            by_name.setdefault(PurePosixPath(info.filename).name, []).append(info)
        self.unique_names = {name: infos[0] for name, infos in by_name.items() if len(infos) == 1}

    def _find(self, name: str) -> zipfile.ZipInfo:
        path = str(_safe_name(name))
        info = self.members.get(path) or (self.unique_names.get(path) if "/" not in path else None)
        if info is None:
            raise ValidationError(_("not found in the photos ZIP."))
        return info

    def read(self, name: str) -> bytes:
        info = self._find(name)
        limit = settings.ARCHIVE_MAX_UPLOAD_BYTES
        if info.flag_bits & 0x1:
            raise ValidationError(_("encrypted in the ZIP; pack it without a password."))
        if info.file_size > limit:
            raise _too_large(info.file_size)
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise ValidationError(_("cannot be read from the ZIP (%(error)s)."), params={"error": exc}) from None
        if len(data) > limit:
            raise _too_large(len(data))
        return data

    def close(self) -> None:
        self.zip.close()


def open_source(photos) -> DirectorySource | ZipSource | None:
    """`photos`: None, a folder path, a path to a .zip file, or an open ZIP file object."""
    if photos is None:
        return None
    if isinstance(photos, str | Path):
        path = Path(photos)
        if path.is_dir():
            return DirectorySource(path)
        if not path.is_file():
            raise PhotoSourceError(_("%(path)s is neither a folder nor a ZIP file.") % {"path": photos})
        with path.open("rb") as handle:
            if not zipfile.is_zipfile(handle):
                raise PhotoSourceError(
                    _("%(path)s is not a ZIP archive; give a folder or a .zip file.") % {"path": photos}
                )
        return ZipSource(path)
    return ZipSource(photos)


def as_upload(name: str, data: bytes) -> SimpleUploadedFile:
    """The bytes as an uploaded file, so they pass through exactly the checks a browser upload does."""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    return SimpleUploadedFile(PurePosixPath(name).name, data, content_type=CONTENT_TYPES.get(extension, ""))


class PhotoChecker:
    """Checks each distinct file once per import; remembers only the outcome (its SHA-256
    or its error), never the decoded image."""

    def __init__(self, source):
        self.source = source
        self.outcomes: dict[str, str | list[str]] = {}

    def check(self, name: str) -> tuple[str | None, list[str]]:
        """(sha256, []) for a good file, (None, messages) for a bad or missing one."""
        if name not in self.outcomes:
            self.outcomes[name] = self._check(name)
        outcome = self.outcomes[name]
        return (outcome, []) if isinstance(outcome, str) else (None, outcome)

    def _check(self, name: str) -> str | list[str]:
        if self.source is None:
            return [_("“%(name)s” is named, but no photos folder or ZIP was given with the import.") % {"name": name}]
        try:
            data = self.source.read(name)
            prepared = imaging.prepare_upload(as_upload(name, data))
        except ValidationError as exc:
            return [_("“%(value)s”: %(message)s") % {"value": name, "message": message} for message in exc.messages]
        return prepared.info.sha256

    def prepare(self, name: str) -> tuple[SimpleUploadedFile, imaging.PreparedUpload]:
        uploaded = as_upload(name, self.source.read(name))
        return uploaded, imaging.prepare_upload(uploaded)
