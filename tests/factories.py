import factory
from django.contrib.auth import get_user_model

from artifacts import services
from artifacts.choices import ArtifactType, PublicationStatus
from artifacts.custody import services as custody_services
from artifacts.models import Artifact, Phrase, SerialNumber, Source, SourceCitation, Text
from tests.images import upload


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Example News"
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")


class ArtifactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artifact
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Artifact {n}")
    artifact_type = ArtifactType.OTHER
    description = "An object recovered from the battlefield."
    status = PublicationStatus.PUBLISHED
    recovery_date = "2024-12/2025-01"
    recovery_place = "Kursk region, Russia"
    recovery_place_precision = "region"
    recovering_unit = "Example Unit"

    @factory.post_generation
    def cited_in(self, create, extracted, **kwargs):
        if create and extracted:
            SourceCitation.objects.create(artifact=self, source=extracted)


class TextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Text

    artifact = factory.SubFactory(ArtifactFactory, artifact_type=ArtifactType.HANDWRITTEN)
    position = factory.Sequence(lambda n: n)
    translation = "I really miss you comrades."


class PhraseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phrase

    artifact = factory.SubFactory(ArtifactFactory, artifact_type=ArtifactType.PHRASE_LIST)
    position = factory.Sequence(lambda n: n + 1)
    translation = "Surrender."


class SerialNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SerialNumber

    artifact = factory.SubFactory(ArtifactFactory, artifact_type=ArtifactType.WEAPON)
    value = factory.Sequence(lambda n: f"AK-{n:06d}")


def make_photo(artifact=None, **kwargs):
    """A photo ingested through the real pipeline (original, hash, derivatives)."""
    artifact = artifact or ArtifactFactory()
    kwargs.setdefault("caption", "Front view")
    return services.add_photo(artifact=artifact, uploaded=kwargs.pop("uploaded", None) or upload(), **kwargs)


def make_custody_event(artifact=None, **kwargs):
    artifact = artifact or ArtifactFactory()
    kwargs.setdefault("event_type", "recovery")
    return custody_services.record_custody_event(artifact=artifact, **kwargs)


def make_authority(model, names, **fields):
    """A place or organisation with `names`: {language: name} (preferred names) or a list
    of (language, name, preferred)."""
    authority = model.objects.create(**fields)
    items = names.items() if isinstance(names, dict) else [(lang, name) for lang, name, _ in names]
    preferred = dict.fromkeys(range(len(items)), True)
    if not isinstance(names, dict):
        preferred = {i: flag for i, (_lang, _name, flag) in enumerate(names)}
    for i, (language, name) in enumerate(items):
        authority.names.create(language=language, name=name, preferred=preferred[i])
    return authority
