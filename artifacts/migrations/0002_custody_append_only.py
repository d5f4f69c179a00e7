"""Database triggers that refuse UPDATE and DELETE on custody events."""

from django.db import migrations

from artifacts.db_triggers import triggers_for


class Migration(migrations.Migration):
    dependencies = [("artifacts", "0001_initial")]

    operations = [triggers_for("artifacts_custodyevent")]
