"""Links from custody events to the authorities their wording names (see EventLink)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from artifacts.authorities.models import Organisation, Person, Place


class EventRole(models.TextChoices):
    PLACE = "place", _("place")
    DESTINATION = "destination", _("to place")
    RELEASED_BY = "released_by", _("released by")
    RECEIVED_BY = "received_by", _("received by")
    AUTHORISED_BY = "authorised_by", _("authorised by")


# The event field whose wording each role names, and the kinds of authority it may name.
EVENT_ROLE_KINDS = {
    EventRole.PLACE: ("place",),
    EventRole.DESTINATION: ("place",),
    EventRole.RELEASED_BY: ("organisation", "person"),
    EventRole.RECEIVED_BY: ("organisation", "person"),
    EventRole.AUTHORISED_BY: ("organisation", "person"),
}


class EventLink(models.Model):
    """Which authority a custody event's place or party names. Custody events are
    append-only and hashed as typed, so the link sits beside the event, never in it: adding
    or correcting one changes nothing a chain's hashes cover."""

    event = models.ForeignKey(
        "artifacts.CustodyEvent",
        on_delete=models.PROTECT,
        related_name="authority_links",
        verbose_name=_("custody event"),
        help_text=_("The event whose wording names the authority."),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=EventRole.choices, help_text=_("Which of the event's fields it names.")
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="event_links", verbose_name=_("place")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_links",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="event_links", verbose_name=_("person")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custody event's authority")
        verbose_name_plural = _("custody events' authorities")
        constraints = [
            models.UniqueConstraint(fields=["event", "role"], name="one_authority_per_event_role"),
            models.CheckConstraint(
                condition=(
                    models.Q(place__isnull=False, organisation__isnull=True, person__isnull=True)
                    | models.Q(place__isnull=True, organisation__isnull=False, person__isnull=True)
                    | models.Q(place__isnull=True, organisation__isnull=True, person__isnull=False)
                ),
                name="event_link_names_one_authority",
            ),
        ]

    def __str__(self):
        return f"{self.event} — {self.get_role_display()}: {self.authority}"

    @property
    def authority(self):
        return self.place or self.organisation or self.person

    def clean(self):
        super().clean()
        given = [kind for kind in ("place", "organisation", "person") if getattr(self, f"{kind}_id")]
        if len(given) != 1:
            raise ValidationError(_("Choose one place, organisation or person."))
        if self.role and given[0] not in EVENT_ROLE_KINDS[self.role]:
            raise ValidationError(
                {given[0]: _("An event's place and destination name places; its parties, organisations or people.")}
            )
