"""The access policy: the one place that decides who may see what.

Every view, facet count, search result, media file, sitemap and export asks the
QuerySet methods `visible_to(user)` (artifacts, photos, personal data), which all
rest on `viewer_level` below. Nothing else in the code compares access levels.
"""

from artifacts.choices import AccessLevel

RESEARCHER_PERMISSION = "artifacts.view_restricted_material"
ORIGINALS_PERMISSION = "artifacts.view_original_files"


def viewer_level(user) -> AccessLevel:
    """The highest access level this user may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return AccessLevel.PUBLIC
    if user.is_staff:
        return AccessLevel.STAFF
    if user.has_perm(RESEARCHER_PERMISSION):
        return AccessLevel.RESEARCHERS
    return AccessLevel.PUBLIC


def sees_drafts(user) -> bool:
    return viewer_level(user) >= AccessLevel.STAFF


def takes_originals(user) -> bool:
    """May download original files (and custody attachments) with their metadata, see
    their EXIF and export them: staff holding the "view original files" permission."""
    return viewer_level(user) >= AccessLevel.STAFF and user.has_perm(ORIGINALS_PERMISSION)
