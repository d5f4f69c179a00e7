import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def researcher(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="researcher")
    user.groups.add(Group.objects.get(name="Researcher"))
    return user


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="curator", is_staff=True, is_superuser=True)
