"""Publication needs two people: the statuses "ready for review" and "withdrawn", the
append-only list of publication events, and the permission "publish_artifact", given to
the Curator group and not to Editors.

Frozen: it creates the permission itself, as 0003 and 0010 did, rather than rely on live code.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

STATUSES = [
    ("draft", "Draft (staff only)"),
    ("ready", "Ready for review"),
    ("published", "Published"),
    ("withdrawn", "Withdrawn"),
]
STATUS_HELP = "Only published records are public. Changed with the review buttons, never typed in."


def grant_to_curators(apps, schema_editor):
    # Permissions are normally created after migrations; make sure this one exists now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="artifacts", codename="publish_artifact")
    for group in Group.objects.filter(name="Curator"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="artifacts", codename="publish_artifact").delete()


def status_field():
    return models.CharField(
        choices=STATUSES, default="draft", help_text=STATUS_HELP, max_length=10, verbose_name="publication status"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("artifacts", "0010_original_files_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="artifact",
            options={
                "ordering": ["accession_number"],
                "permissions": [
                    ("view_restricted_material", "Can view researcher-level material"),
                    ("publish_artifact", "Can publish and withdraw records"),
                ],
                "verbose_name": "artifact",
            },
        ),
        migrations.AlterField(model_name="artifact", name="status", field=status_field()),
        migrations.AlterField(model_name="historicalartifact", name="status", field=status_field()),
        migrations.CreateModel(
            name="PublicationEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "from_status",
                    models.CharField(
                        choices=STATUSES, help_text="Status before the change.", max_length=10, verbose_name="from"
                    ),
                ),
                (
                    "to_status",
                    models.CharField(choices=STATUSES, help_text="Status after it.", max_length=10, verbose_name="to"),
                ),
                (
                    "at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, help_text="When the change was made.", verbose_name="when"
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        blank=True,
                        help_text="Why; for a withdrawal it is shown on the record's public address.",
                        verbose_name="reason",
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        help_text="The account that made the change.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publication_events",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "artifact",
                    models.ForeignKey(
                        help_text="The record whose status changed.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="publication_events",
                        to="artifacts.artifact",
                        verbose_name="artifact",
                    ),
                ),
            ],
            options={
                "verbose_name": "publication event",
                "ordering": ["at", "pk"],
                "indexes": [models.Index(fields=["artifact", "at"], name="publication_event_artifact")],
            },
        ),
        migrations.RunPython(grant_to_curators, revoke),
    ]
