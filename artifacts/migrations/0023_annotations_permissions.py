"""Who may mark transcribed regions on photos: Curators fully (add, change, delete, view),
Editors may add, change and view them, as they do the texts they enter.

Frozen: it creates the permissions itself, as 0003 and 0017 do, rather than rely on live
code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["photoannotation"]


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
    dependencies = [("artifacts", "0022_photo_fingerprints_annotations_redaction")]

    operations = [migrations.RunPython(grant, revoke)]
