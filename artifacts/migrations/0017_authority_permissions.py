"""Who may keep authority records: Curators fully (merging retires a record, so it needs
the delete permission, which only they hold), Editors may add, change and view them, as
they do the records they enter (and the admin's autocomplete needs the view permission).

Frozen: it creates the permissions itself, as 0003, 0010 and 0011 do, rather than rely on
live code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["place", "placename", "organisation", "organisationname", "person", "personname"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="artifacts", content_type__model__in=MODELS)
    editor = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    for group in Group.objects.filter(name="Curator"):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*ours.filter(codename__in=editor))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="artifacts", content_type__model__in=MODELS)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Curator", "Editor"]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0016_authorities_from_free_text")]

    operations = [migrations.RunPython(grant, revoke)]
