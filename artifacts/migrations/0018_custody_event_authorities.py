"""Custody events name authorities: the link table beside the append-only events, the links
for events recorded before it (by exact name only) and who may keep them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLES = {
    "place": ("place",),
    "destination": ("place",),
    "released_by": ("person", "organisation"),
    "received_by": ("person", "organisation"),
    "authorised_by": ("person", "organisation"),
}


def link_existing_events(apps, schema_editor):
    """Custody events recorded before authorities: each place and party whose wording is
    exactly a name of a current authority (those 0016 made from the records included) is
    linked to it. Frozen: the rule is written out here. Only links: events keep their
    wording, and a party described rather than named gets no authority."""
    CustodyEvent = apps.get_model("artifacts", "CustodyEvent")
    EventLink = apps.get_model("artifacts", "EventLink")
    names = {}
    for kind, name_model in (("place", "PlaceName"), ("organisation", "OrganisationName"), ("person", "PersonName")):
        for owner, name in (
            apps.get_model("artifacts", name_model)
            .objects.filter(**{f"{kind}__merged_into__isnull": True})
            .order_by(kind)
            .values_list(kind, "name")
        ):
            names.setdefault((kind, name), owner)
    links = []
    fields = ["pk", *ROLES]
    for event in CustodyEvent.objects.only(*fields).iterator(chunk_size=2000):
        for role, kinds in ROLES.items():
            key = " ".join((getattr(event, role) or "").split())
            owner = next((names[kind, key] for kind in kinds if (kind, key) in names), None) if key else None
            if owner is not None:
                kind = next(kind for kind in kinds if (kind, key) in names)
                links.append(EventLink(event_id=event.pk, role=role, **{f"{kind}_id": owner}))
    EventLink.objects.bulk_create(links, batch_size=2000)


def unlink_events(apps, schema_editor):
    apps.get_model("artifacts", "EventLink").objects.all().delete()


def grant(apps, schema_editor):
    """Curators and Editors keep these links as they keep places and organisations (0017)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="artifacts", content_type__model="eventlink")
    for group in apps.get_model("auth", "Group").objects.filter(name="Curator"):
        group.permissions.add(*ours)
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.add(*ours.exclude(codename="delete_eventlink"))


class Migration(migrations.Migration):
    dependencies = [
        ("artifacts", "0017_authority_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalEventLink",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("place", "place"),
                            ("destination", "to place"),
                            ("released_by", "released by"),
                            ("received_by", "received by"),
                            ("authorised_by", "authorised by"),
                        ],
                        help_text="Which of the event's fields it names.",
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The event whose wording names the authority.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="artifacts.custodyevent",
                        verbose_name="custody event",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="artifacts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="artifacts.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="artifacts.place",
                        verbose_name="place",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical custody event's authority",
                "verbose_name_plural": "historical custody events' authorities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="EventLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("place", "place"),
                            ("destination", "to place"),
                            ("released_by", "released by"),
                            ("received_by", "received by"),
                            ("authorised_by", "authorised by"),
                        ],
                        help_text="Which of the event's fields it names.",
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        help_text="The event whose wording names the authority.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="authority_links",
                        to="artifacts.custodyevent",
                        verbose_name="custody event",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_links",
                        to="artifacts.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_links",
                        to="artifacts.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_links",
                        to="artifacts.place",
                        verbose_name="place",
                    ),
                ),
            ],
            options={
                "verbose_name": "custody event's authority",
                "verbose_name_plural": "custody events' authorities",
                "constraints": [
                    models.UniqueConstraint(fields=("event", "role"), name="one_authority_per_event_role"),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("organisation__isnull", True), ("person__isnull", True), ("place__isnull", False)
                            ),
                            models.Q(
                                ("organisation__isnull", False), ("person__isnull", True), ("place__isnull", True)
                            ),
                            models.Q(
                                ("organisation__isnull", True), ("person__isnull", False), ("place__isnull", True)
                            ),
                            _connector="OR",
                        ),
                        name="event_link_names_one_authority",
                    ),
                ],
            },
        ),
        migrations.RunPython(link_existing_events, unlink_events),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
