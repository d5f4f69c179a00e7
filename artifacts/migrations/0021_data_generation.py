"""The one-row table whose number changes with every write (artifacts.caching). It starts
empty: the first write after migrating fills it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('artifacts', '0020_search_north_korean_spelling'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(help_text="Changes with every committed write to the archive's records.", verbose_name='generation')),
            ],
            options={
                'verbose_name': 'data generation',
                'verbose_name_plural': 'data generations',
                'default_permissions': (),
            },
        ),
    ]
