"""A small archive holding one of everything the access rules distinguish, and the
viewers who see it differently. Used by the access matrix in tests/test_access.py.

What each viewer should see is written out here by hand (`SEEN_BY`, `PHOTOS`), from the
rules in the issue, rather than computed with the code under test: the matrix compares
the archive's answers with this table.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client

from artifacts import publication
from artifacts.annotations.models import PhotoAnnotation
from artifacts.choices import AccessLevel, PublicationStatus
from artifacts.models import Artifact, PersonalDatum, Photo, Relation
from tests.factories import ArtifactFactory, TextFactory, UserFactory, make_photo
from tests.images import image_bytes, upload

P, R, S = AccessLevel.PUBLIC, AccessLevel.RESEARCHERS, AccessLevel.STAFF
PUBLISHED, DRAFT, WITHDRAWN = PublicationStatus.PUBLISHED, PublicationStatus.DRAFT, PublicationStatus.WITHDRAWN

# Viewer kind → the tier of material it may see. Only the staff tier sees drafts.
VIEWERS = {
    "anonymous": P,
    "plain-user": P,  # logged in, but not (yet) vetted as a researcher
    "deactivated-researcher": P,  # in the Researcher group, account switched off
    "researcher": R,
    "editor": S,
    "curator": S,
    "superuser": S,
}
# Who may take original files (the "view original files" permission): Curators, not Editors.
TAKES_ORIGINALS = {"curator", "superuser"}
# Who may publish and withdraw records (the "publish_artifact" permission): Curators, not Editors.
PUBLISHERS = {"curator", "superuser"}

# Artifact key → (access level, status, type, verification, code word). The code word is
# in the title, place and unit of that artifact only, so their presence anywhere in a
# response means the artifact showed through.
ARTIFACTS = {
    "public-published": (P, PUBLISHED, "handwritten", "consistent", "Quarlox"),
    "public-draft": (P, DRAFT, "typed_document", "unverified", "Brintel"),
    "researchers-published": (R, PUBLISHED, "booklet", "verified", "Zephrix"),
    "researchers-draft": (R, DRAFT, "military_id", "disputed", "Moltava"),
    "staff-published": (S, PUBLISHED, "weapon", "consistent", "Kestrine"),
    "staff-draft": (S, DRAFT, "gear", "unverified", "Vodrell"),
    "gallery": (P, PUBLISHED, "other", "unverified", "Gallomer"),
    # Published, then withdrawn by a curator: its address answers 410 with the reason.
    "public-withdrawn": (P, WITHDRAWN, "handwritten", "disputed", "Wendrisk"),
}
WITHDRAWAL_REASON = "It exposed a living person."
HUB = "public-published"  # related to every other matrix artifact, from either end
RELATED_FROM_HUB = ("researchers-published", "researchers-draft", "gallery")
RELATED_TO_HUB = ("public-draft", "staff-published", "staff-draft")

# Photo key → (artifact key, add_photo options, tiers that see it), in gallery order.
PHOTOS = {
    "cover-public-draft": ("public-draft", {}, {S}),
    "cover-researchers-staff": ("researchers-published", {"access_level": S}, {S}),
    "cover-researchers-public": ("researchers-published", {}, {R, S}),
    "cover-researchers-draft": ("researchers-draft", {}, {S}),
    "cover-staff-published": ("staff-published", {}, {S}),
    "cover-staff-draft": ("staff-draft", {}, {S}),
    "gallery-public": ("gallery", {}, {P, R, S}),
    "gallery-researchers": ("gallery", {"access_level": R}, {R, S}),
    "gallery-staff": ("gallery", {"access_level": S}, {S}),
    # Faces or personal data: never public; researchers see the original instead of a copy.
    "faces": ("gallery", {"shows_personal_data": True}, {R, S}),
    "faces-redacted": ("gallery", {"redacted_from": "faces"}, {P}),
    "faces-no-copy": ("gallery", {"shows_personal_data": True}, {R, S}),
    "faces-staff": ("gallery", {"shows_personal_data": True, "access_level": S}, {S}),
    "faces-staff-redacted": ("gallery", {"redacted_from": "faces-staff"}, {P, R}),
}

# Personal datum key → (field, value, access level, inside the gallery's letter?).
PERSONAL = {
    "public": ("rank", "Sergeant Pubrank", P, False),
    "researchers": ("name", "Ri Resname", R, False),
    "staff": ("service_number", "SN-Staffnum-42", S, False),
    "in-letter": ("name", "Choe Lettername", R, True),
}


def sees(tier: int, artifact_key: str) -> bool:
    level, status = ARTIFACTS[artifact_key][:2]
    return level <= tier and (status == PUBLISHED or tier == S)


def tombstone(tier: int, artifact_key: str) -> bool:
    """A withdrawn record the viewer may not see answers 410 with a tombstone, when its
    access level is within theirs (its address was theirs to know); otherwise 404."""
    level, status = ARTIFACTS[artifact_key][:2]
    return status == WITHDRAWN and level <= tier and not sees(tier, artifact_key)


def sees_photo(tier: int, photo_key: str) -> bool:
    return tier in PHOTOS[photo_key][2]


# Every photo has one transcribed region, written with a word of its own: a region is seen
# exactly where its photo is, and found by search only when its photo is public.
def region_word(photo_key: str) -> str:
    """A word found only in the region of this photo (one token, so that it can be searched
    for alone; "quill" ends it, so that no photo's word is part of another's)."""
    return "".join(part.capitalize() for part in photo_key.split("-")) + "quill"


def region_texts(photo_key: str) -> tuple[str, str]:
    """The region's transcription and translation."""
    return f"Scrawled {region_word(photo_key)}", f"Meaning {region_word(photo_key)}"


def sees_region_text(tier: int, photo_key: str) -> bool:
    """Whether the text of this photo's region is this tier's to read anywhere: the photo's
    own, and a redacted copy's also to whoever sees its original (the copy hides nothing
    more; galleries show one of the two, with its regions)."""
    source = PHOTOS[photo_key][1].get("redacted_from")
    return sees_photo(tier, photo_key) or (source is not None and sees_photo(tier, source))


@dataclass
class World:
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)
    personal: dict[str, PersonalDatum] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)

    def open_sessions(self) -> None:
        """Log every viewer in once, for the module: logging in per case costs more than
        the request it precedes."""
        for viewer, user in self.users.items():
            if user is not None:
                browser = Client()
                browser.force_login(user)
                self.sessions[viewer] = browser.cookies[settings.SESSION_COOKIE_NAME].value

    def log_in(self, client, viewer: str) -> None:
        client.cookies.clear()
        if viewer in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[viewer]

    def code(self, artifact_key: str) -> str:
        return ARTIFACTS[artifact_key][4]

    def visible(self, tier: int) -> list[str]:
        return [key for key in ARTIFACTS if sees(tier, key)]

    def photos_of(self, artifact_key: str, tier: int) -> list[str]:
        return [key for key, (owner, _, tiers) in PHOTOS.items() if owner == artifact_key and tier in tiers]

    def leak_markers(self, tier: int) -> dict[str, list[str]]:
        """For each thing this tier may not see, strings that would give it away."""
        markers = {}
        for key in ARTIFACTS:
            if not sees(tier, key):
                code = self.code(key)  # alone, it may be a search term the viewer typed
                url = self.artifacts[key].get_absolute_url()
                markers[f"artifact {key}"] = [f"Object {code}", f"{code}ville", f"{code} brigade", url]
        for key, photo in self.photos.items():
            if not sees_photo(tier, key):
                markers[f"photo {key}"] = [f"~{key}~", f"/media/photos/{photo.pk}/", photo.sha256]
            if not sees_region_text(tier, key):
                markers[f"region of photo {key}"] = list(region_texts(key))
        for key, (_, value, level, _) in PERSONAL.items():
            if level > tier:
                markers[f"personal datum {key}"] = [value]
        return markers


def _users() -> dict:
    researchers, editors, curators = (Group.objects.get(name=n) for n in ("Researcher", "Editor", "Curator"))
    users = {"anonymous": None, "plain-user": UserFactory(username="access-plain")}
    users["researcher"] = UserFactory(username="access-researcher")
    users["researcher"].groups.add(researchers)
    users["deactivated-researcher"] = UserFactory(username="access-gone", is_active=False)
    users["deactivated-researcher"].groups.add(researchers)
    users["editor"] = UserFactory(username="access-editor", is_staff=True)
    users["editor"].groups.add(editors)
    users["curator"] = UserFactory(username="access-curator", is_staff=True)
    users["curator"].groups.add(curators)
    users["superuser"] = UserFactory(username="access-superuser", is_staff=True, is_superuser=True)
    return users


def build_world() -> World:
    world = World(users=_users())
    for key, (level, status, kind, verification, code) in ARTIFACTS.items():
        world.artifacts[key] = ArtifactFactory(
            title=f"Object {code}",
            artifact_type=kind,
            verification_status=verification,
            status=PUBLISHED if status == WITHDRAWN else status,
            access_level=level,
            recovery_place=f"{code}ville",
            recovering_unit=f"{code} brigade",
        )
        if status == WITHDRAWN:
            publication.withdraw(artifact=world.artifacts[key], user=world.users["curator"], reason=WITHDRAWAL_REASON)
    hub = world.artifacts[HUB]
    for key in RELATED_FROM_HUB:
        Relation.objects.create(from_artifact=hub, to_artifact=world.artifacts[key], relation_type="same_cache")
    for key in RELATED_TO_HUB:
        Relation.objects.create(from_artifact=world.artifacts[key], to_artifact=hub, relation_type="same_cache")

    for number, (key, (owner, options, _)) in enumerate(PHOTOS.items()):
        options = dict(options)
        if "redacted_from" in options:
            options["redacted_from"] = world.photos[options["redacted_from"]]
        # A colour of its own makes every file, and so every SHA-256, distinct.
        data = image_bytes(size=(120, 90), color=(20 + 12 * number, 200 - 9 * number, 90))
        world.photos[key] = make_photo(
            world.artifacts[owner], caption=f"Shot ~{key}~", uploaded=upload(data=data), **options
        )
        transcription, translation = region_texts(key)
        PhotoAnnotation.objects.create(
            photo=world.photos[key], x=0.1, y=0.2, width=0.5, height=0.3, transcription=transcription,
            translation=translation,
        )  # fmt: skip

    letter = TextFactory(artifact=world.artifacts["gallery"], label="Letter home", translation="Dear mother.")
    for key, (kind, value, level, in_letter) in PERSONAL.items():
        world.personal[key] = PersonalDatum.objects.create(
            artifact=world.artifacts["gallery"],
            text=letter if in_letter else None,
            field=kind,
            value=value,
            access_level=level,
        )
    world.open_sessions()
    return world
