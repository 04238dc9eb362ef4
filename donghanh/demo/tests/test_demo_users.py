"""`manage.py demo_users`: what a tester needs to sign in as each demo user."""

from __future__ import annotations

import base64
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.demo.data import USERS
from donghanh.demo.models import DemoAccount


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_users", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def device_for(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username)


def test_json_lists_one_row_per_membership(loaded):
    rows = json.loads(run("--json"))
    assert len(rows) == sum(max(1, len(spec.memberships)) for spec in USERS)
    keys = {
        "username",
        "full_name",
        "organisation",
        "role",
        "is_superuser",
        "password",
        "totp_secret",
    }
    assert all(set(row) == keys for row in rows)
    by_user: dict[str, list[dict]] = {}
    for row in rows:
        by_user.setdefault(row["username"], []).append(row)
    for spec in USERS:
        listed = by_user[spec.username]
        assert {row["full_name"] for row in listed} == {spec.full_name}
        assert {row["password"] for row in listed} == {settings.DEMO_PASSWORD}
        if spec.is_superuser:
            assert listed == [{**listed[0], "organisation": None, "role": None}]
            assert listed[0]["is_superuser"] is True
        else:
            assert {(r["organisation"]["slug"], r["role"]) for r in listed} == set(spec.memberships)
    peace_house = next(r for r in rows if r["username"] == "admin.binhyen")["organisation"]
    assert peace_house == {
        "slug": "ngoi-nha-binh-yen",
        "name": "Ngôi nhà Bình yên",
        "name_en": "Peace House",
    }


def test_json_secret_gives_codes_the_device_accepts(loaded):
    rows = json.loads(run("--json"))
    for row in rows:
        secret = row["totp_secret"]
        assert len(secret) == 32 and secret.isupper()
        assert base64.b32decode(secret) == device_for(row["username"]).bin_key
    # What an authenticator app does with the secret: RFC 6238 codes, 30-second steps.
    row = next(r for r in rows if r["username"] == "caseworker.worldvision")
    code = totp(base64.b32decode(row["totp_secret"]), step=30, digits=6)
    device = device_for("caseworker.worldvision")
    assert device.verify_token(f"{code:06d}")
    assert not device.verify_token(f"{(code + 1) % 1_000_000:06d}")


def test_codes_option_prints_codes_the_devices_accept(loaded):
    rows = json.loads(run("--json", "--codes"))
    assert all(set(row) >= {"totp_code"} for row in rows)
    checked = set()
    for row in rows:
        code = row["totp_code"]
        assert len(code) == 6 and code.isdigit()
        if row["username"] not in checked:  # a code is accepted once (no replay)
            assert device_for(row["username"]).verify_token(code), row["username"]
            checked.add(row["username"])
    assert checked == {spec.username for spec in USERS}


def test_table_lists_every_user_in_aligned_columns(loaded):
    lines = run().splitlines()
    usernames = {spec.username for spec in USERS}
    rows = [line for line in lines if line.split()[0] in usernames]
    assert {line.split()[0] for line in rows} == usernames
    assert set(lines[1].replace(" ", "")) == {"-"}  # the rule under the header
    assert len({line.index(settings.DEMO_PASSWORD) for line in rows}) == 1
    secrets = {line.split()[0]: line.split()[-1] for line in rows}
    for username, secret in secrets.items():
        assert base64.b32decode(secret) == device_for(username).bin_key


def test_table_with_codes_shows_six_digit_codes(loaded):
    output = run("--codes")
    row = next(line for line in output.splitlines() if line.startswith("donor.eu "))
    code = row.split()[-1]
    assert len(code) == 6 and code.isdigit()
    assert "seconds" in output


def test_not_loaded_prints_a_note_and_an_empty_json_list(db):
    assert json.loads(run("--json")) == []
    assert "load_demo" in run()


def test_marks_authenticators_replaced_since_loading(loaded):
    TOTPDevice.objects.filter(user__username="donor.eu").update(key="00" * 20)
    rows = json.loads(run("--json"))
    assert next(r for r in rows if r["username"] == "donor.eu")["totp_secret"] is None
    assert "load_demo" in run()


def test_refuses_in_production(loaded, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("--json")


@pytest.mark.parametrize("username", ["caseworker.binhyen", "donor.eu", "programme.worldvision"])
def test_a_tester_signs_in_with_the_listed_password_and_code(loaded, client, username):
    # Every role needs the code, a donor viewer or a programme officer as much as a case worker.
    row = next(r for r in json.loads(run("--json", "--codes")) if r["username"] == username)
    response = client.post(
        reverse("accounts:login"), {"username": row["username"], "password": row["password"]}
    )
    assert response.status_code == 302
    home = client.get(reverse("workspace:home"))
    assert home["Location"].startswith(reverse("accounts:two_factor_verify"))
    response = client.post(reverse("accounts:two_factor_verify"), {"otp_token": row["totp_code"]})
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).status_code == 200
    assert DemoAccount.objects.filter(user__username=row["username"]).exists()
