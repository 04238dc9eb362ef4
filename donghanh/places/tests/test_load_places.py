import gzip
import json

import pytest
from django.core.management import call_command

from donghanh.audit.models import AuditEntry
from donghanh.places.loading import DATA_FILE
from donghanh.places.models import Commune, LegacyCommune, Province

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("load_places", *args, stdout=out)
    return out.getvalue()


def test_load_places_on_loaded_tables_changes_nothing():
    assert run() == "places already up to date\n"
    assert run() == "places already up to date\n"
    assert not AuditEntry.objects.exists()
    assert Commune.objects.count() == 3321


def test_load_places_repairs_drift_and_is_then_idempotent():
    Province.objects.filter(code="42").update(name="Tỉnh Hà Tình", folded_name="x")
    LegacyCommune.objects.get(code="18355").also_part_of.add(Commune.objects.get(code="00070"))
    LegacyCommune.objects.filter(code="18355").update(current_commune="00070")
    Commune.objects.create(code="99999", name="Xã Thử", kind="commune", province_id="42")

    output = run()

    assert "province +0 ~1 -0" in output
    assert "commune +0 ~0 -1" in output
    assert "legacycommune +0 ~1 -0" in output
    assert "also_part_of +0 ~0 -1" in output
    assert Province.objects.get(code="42").name == "Tỉnh Hà Tĩnh"
    assert Province.objects.get(code="42").folded_name == "ha tinh"
    old = LegacyCommune.objects.get(code="18355")
    assert old.current_commune_id == "18364"
    assert not old.also_part_of.exists()
    assert not Commune.objects.filter(code="99999").exists()
    entry = AuditEntry.objects.get()
    assert entry.actor_username == "manage.py load_places"
    assert entry.summary.startswith("places reference data refreshed")
    assert run() == "places already up to date\n"


def test_load_places_adds_new_units_from_a_newer_file(tmp_path):
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    data["communes"].append(["99998", "Phường Mới", "ward", "01"])
    newer = tmp_path / "places.json.gz"
    newer.write_bytes(gzip.compress(json.dumps(data).encode()))

    assert "commune +1 ~0 -0" in run("--file", str(newer))
    assert Commune.objects.get(code="99998").folded_name == "moi"
    assert run("--file", str(newer)) == "places already up to date\n"
