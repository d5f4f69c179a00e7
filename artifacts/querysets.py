"""QuerySets: how the archive reads its records, always through the access policy."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef

from artifacts.access import sees_drafts, viewer_level
from artifacts.choices import AccessLevel, PublicationStatus


class ArtifactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Artifacts this user may know exist: the only gate for every page and count."""
        qs = self.filter(access_level__lte=viewer_level(user))
        if not sees_drafts(user):
            qs = qs.filter(status=PublicationStatus.PUBLISHED)
        return qs

    def search(self, query: str):
        """Artifacts matching a researcher's query (see artifacts.search)."""
        from artifacts.search import search_artifacts

        return search_artifacts(self, query)

    def with_photo_flags(self, user):
        """Annotate `has_photos` counting only photos this user may see. Call it on artifacts
        already limited with visible_to(user): the photos' own artifact check is then left
        out, since it would make the database list every visible artifact for each query."""
        Photo = apps.get_model("artifacts", "Photo")
        visible = Photo.objects.visible_to(user, artifact_checked=True).filter(artifact=OuterRef("pk"))
        return self.annotate(has_photos=Exists(visible))


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, user, *, artifact_checked=False, with_copies=False):
        """Photos this user may see, with redacted copies standing in for hidden originals.
        `artifact_checked`: the caller has already limited the photos to artifacts the user
        may see (with_photo_flags), so that check is not repeated. `with_copies`: keep the
        redacted copies of originals the user sees too, as the media files do (a gallery
        leaves them out only so as not to show an image twice; a copy hides nothing its
        original does not show, and its curator checks it in the admin)."""
        Artifact = apps.get_model("artifacts", "Artifact")
        level = viewer_level(user)
        qs = self.filter(access_level__lte=level)
        if not artifact_checked:
            qs = qs.filter(artifact__in=Artifact.objects.visible_to(user))
        if level < AccessLevel.RESEARCHERS:
            qs = qs.filter(shows_personal_data=False)
        elif not with_copies:
            # The viewer can see the original, so its redacted copy would only repeat it.
            qs = qs.exclude(redacted_from__isnull=False, redacted_from__access_level__lte=level)
        return qs


class PersonalDataQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(access_level__lte=viewer_level(user))


class PhotoAnnotationQuerySet(models.QuerySet):
    def visible_to(self, user, *, artifact_checked=False):
        """Transcribed regions this user may see: exactly those of the photos they may see
        (a region is part of its image, and its text may name what the image shows)."""
        Photo = apps.get_model("artifacts", "Photo")
        return self.filter(photo__in=Photo.objects.visible_to(user, artifact_checked=artifact_checked))
