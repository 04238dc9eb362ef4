"""Load Vietnam's administrative units from donghanh/places/data/places.json.gz.

Runs on every fresh database, including each test database, so it must stay fast: it inserts in
batches and computes the search keys in Python. Later updates of the data file are applied to
existing databases with `manage.py load_places`.
"""

from django.db import migrations

MODEL_NAMES = ("Province", "Commune", "LegacyProvince", "LegacyDistrict", "LegacyCommune")


def load_places(apps, schema_editor):
    from donghanh.places.loading import PlaceModels, read_places_file, sync_places

    models = PlaceModels(*(apps.get_model("places", name) for name in MODEL_NAMES))
    sync_places(models, read_places_file())


def unload_places(apps, schema_editor):
    for name in reversed(MODEL_NAMES):
        apps.get_model("places", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_legacy_district_current_commune"),
    ]

    operations = [
        migrations.RunPython(load_places, unload_places, elidable=False),
    ]
