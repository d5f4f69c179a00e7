"""Authority records: the places, organisations and people the archive's records name.

A record keeps the wording its source used ("Kursk region, Russia", "Ukrainian special
forces") and points at an authority where the archive knows which one is meant, so that
one place is one facet value in every language, a unit named as recoverer and as
custodian is one unit, and records join other datasets through Wikidata and GeoNames.

Each authority has names per language (BCP 47 tags: en, uk, ko, ru…), one preferred name
per language and any number of variants ("Курщина"); pages label an authority in the
reader's language and search finds it by every name. Merging keeps the merged record,
marked `merged_into`, so that its address redirects to the survivor and its history stays.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from artifacts.choices import AccessLevel, PlacePrecision
from artifacts.language_tags import validate_language_tag

WIKIDATA_URL = "https://www.wikidata.org/entity/{}"
GEONAMES_URL = "https://sws.geonames.org/{}/"
MAX_DEPTH = 8  # a parent chain longer than this is a loop or a mistake

validate_qid = RegexValidator(
    re.compile(r"^Q[1-9][0-9]{0,11}$"), _("A Wikidata item identifier is Q followed by digits, e.g. Q159."), "qid"
)


class PlaceLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    SETTLEMENT = "settlement", _("Settlement")
    SITE = "site", _("Site")
    UNSPECIFIED = "unspecified", pgettext_lazy("place level", "Not yet specified")


class OrganisationKind(models.TextChoices):
    MILITARY_UNIT = "military_unit", _("Military unit or force")
    MINISTRY = "ministry", _("Ministry or government body")
    NEWSPAPER = "newspaper", _("Newspaper or news organisation")
    NGO = "ngo", _("Non-governmental organisation")
    ARCHIVE = "archive", _("Archive, museum or library")
    OTHER = "other", pgettext_lazy("kind of organisation", "Other")
    UNSPECIFIED = "unspecified", pgettext_lazy("kind of organisation", "Not yet specified")


def authority_prefetch(path: str) -> list[str]:
    """What a list of records reads about the authority at `path` (e.g. "place"), in a
    fixed number of queries: its names and those of two levels of parents (a settlement's
    region and country), for labels and identifiers up the tree."""
    return [f"{path}__names", f"{path}__parent__names", f"{path}__parent__parent__names"]


class AuthorityQuerySet(models.QuerySet):
    def current(self):
        """Authorities that have not been merged into another."""
        return self.filter(merged_into__isnull=True)


class Authority(models.Model):
    """What places, organisations and people share: identifiers, a merge pointer, dates."""

    wikidata = models.CharField(
        _("Wikidata item"),
        max_length=13,
        blank=True,
        validators=[validate_qid],
        help_text=_("Only when certain, e.g. Q159 for Russia."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why the names and identifiers are what they are."))
    merged_into = models.ForeignKey(
        "self",  # in an abstract model: the concrete kind (a place into a place)
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("merged into"),
        help_text=_("Set when this record was merged into another; its address leads there."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True, help_text=_("When the record last changed."))

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The preferred name in `language` (the active one by default), else in English,
        else any preferred name, else any name."""
        names = list(self.names.all())
        if not names:
            return f"#{self.pk}"
        language = language or translation.get_language() or "en"
        wanted = [language.split("-")[0], "en"]
        for code in wanted:
            for name in names:
                if name.preferred and name.language.split("-")[0] == code:
                    return name.name
        for name in names:
            if name.preferred:
                return name.name
        return names[0].name

    def label_language(self, language: str | None = None) -> str:
        """The language tag of the name label() gives, for the page's lang attribute."""
        shown = self.label(language)
        return next((name.language for name in self.names.all() if name.name == shown), "")

    @property
    def wikidata_url(self) -> str:
        return WIKIDATA_URL.format(self.wikidata) if self.wikidata else ""

    def identifiers(self) -> list[tuple[str, str, str]]:
        """(scheme, identifier, URI) for each external identifier."""
        found = []
        if self.wikidata:
            found.append(("Wikidata", self.wikidata, self.wikidata_url))
        return found

    def all_names(self) -> list[str]:
        return [name.name for name in self.names.all()]

    def ancestors(self) -> list:
        """Parent, grandparent… up to MAX_DEPTH, nearest first."""
        chain, node = [], self.parent
        while node is not None and len(chain) < MAX_DEPTH:
            chain.append(node)
            node = node.parent
        return chain

    def clean(self):
        super().clean()
        node, seen = self.parent, 0
        while node is not None and seen < MAX_DEPTH:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("A record cannot be its own ancestor.")})
            node, seen = node.parent, seen + 1


class Place(Authority):
    level = models.CharField(
        _("level"),
        max_length=12,
        choices=PlaceLevel.choices,
        default=PlaceLevel.UNSPECIFIED,
        help_text=_("Country, region, district, settlement or site."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("The place this one lies in: a region's country, a settlement's district."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS 84, e.g. 51.73.")
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS 84, e.g. 36.19.")
    )
    public_precision = models.CharField(
        _("precision shown publicly"),
        max_length=10,
        choices=PlacePrecision.choices,
        default=PlacePrecision.REGION,
        help_text=_("The finest precision pages may show; a record never shows more than its own precision."),
    )
    geonames = models.PositiveIntegerField(
        _("GeoNames ID"), null=True, blank=True, help_text=_("Only when certain, e.g. 2017370 for Russia.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["pk"]

    def get_absolute_url(self):
        return reverse("place-detail", args=[self.pk])

    def identifiers(self):
        found = super().identifiers()
        if self.geonames:
            found.append(("GeoNames", str(self.geonames), GEONAMES_URL.format(self.geonames)))
        return found

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("A latitude lies between −90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("A longitude lies between −180 and 180.")})


class Organisation(Authority):
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=OrganisationKind.choices,
        default=OrganisationKind.UNSPECIFIED,
        help_text=_("Military unit, ministry, newspaper, NGO, archive…"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("The body this one belongs to: a battalion's regiment, a regiment's forces."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["pk"]

    def get_absolute_url(self):
        return reverse("organisation-detail", args=[self.pk])


class Person(Authority):
    """A person the archive must name as an agent: a custodian, translator, assessor or
    journalist. Never the soldiers the objects came from: their names are personal data
    of the records (PersonalDatum), with its own access rules."""

    access_level = models.PositiveSmallIntegerField(
        _("access"),
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        help_text=_("Who may see this person's page and name; a private individual is not public."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["pk"]

    def ancestors(self):
        return []

    def clean(self):
        models.Model.clean(self)


class Name(models.Model):
    language = models.CharField(
        _("language"),
        max_length=35,
        validators=[validate_language_tag],
        help_text=_("BCP 47 tag of the name's language: en, uk, ko, ru…"),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("As written in that language."))
    preferred = models.BooleanField(
        _("preferred"), default=True, help_text=_("The name pages show in this language; others are variants.")
    )

    class Meta:
        abstract = True
        ordering = ["language", "-preferred", "name"]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())


class PlaceName(Name):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="names", verbose_name=_("place"), help_text=_("The place.")
    )

    class Meta(Name.Meta):
        verbose_name = _("name of a place")
        verbose_name_plural = _("names of places")
        constraints = [models.UniqueConstraint(fields=["place", "language", "name"], name="unique_place_name")]


class OrganisationName(Name):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="names",
        verbose_name=_("organisation"),
        help_text=_("The organisation."),
    )
    in_use_from = models.CharField(
        _("in use from"), max_length=10, blank=True, help_text=_("Year or date the name came into use, if known.")
    )
    in_use_until = models.CharField(
        _("in use until"), max_length=10, blank=True, help_text=_("Year or date it stopped being used, if it did.")
    )

    class Meta(Name.Meta):
        verbose_name = _("name of an organisation")
        verbose_name_plural = _("names of organisations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language", "name"], name="unique_organisation_name")
        ]


class PersonName(Name):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="names", verbose_name=_("person"), help_text=_("The person.")
    )

    class Meta(Name.Meta):
        verbose_name = _("name of a person")
        verbose_name_plural = _("names of people")
        constraints = [models.UniqueConstraint(fields=["person", "language", "name"], name="unique_person_name")]
