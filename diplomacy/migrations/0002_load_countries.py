from django.db import migrations

from diplomacy.countries import sync_countries


def load(apps, schema_editor):
    sync_countries(apps.get_model("diplomacy", "Country"))


class Migration(migrations.Migration):
    dependencies = [("diplomacy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
