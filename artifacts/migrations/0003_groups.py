"""Create the Curator, Editor and Researcher groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "artifact", "photo", "text", "phrase", "serialnumber", "objectdetails", "militaryiddetails",
    "relation", "source", "sourcecitation", "personaldatum", "language",
]  # fmt: skip


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="artifacts")

    def perms(*codenames):
        return list(ours.filter(codename__in=codenames))

    restricted = "view_restricted_material"
    curator = ours.exclude(codename__in=["change_custodyevent", "delete_custodyevent"])
    curator = curator.exclude(content_type__model__startswith="historical")
    editor = [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")]
    editor += ["add_custodyevent", "view_custodyevent", restricted]
    groups = {
        "Curator": list(curator),
        "Editor": perms(*editor),
        "Researcher": perms(restricted),
    }
    for name, permissions in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curator", "Editor", "Researcher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("artifacts", "0002_custody_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
