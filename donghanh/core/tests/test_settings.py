"""Production settings refuse to start without their secrets; helpers refuse bad values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from donghanh.env import ConfigurationError, envbool, envint, envlist, envsecret

ROOT = Path(__file__).resolve().parents[3]
FERNET_KEY = "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DONGHANH_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import donghanh.settings as s; print(s.DATABASE_OWNER)"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _load_settings(
        DONGHANH_ENV="production", ALLOWED_HOSTS="x.org", DATA_ENCRYPTION_KEYS=FERNET_KEY
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_data_encryption_key():
    result = _load_settings(DONGHANH_ENV="production", ALLOWED_HOSTS="x.org", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "DATA_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_debug():
    result = _load_settings(
        DONGHANH_ENV="production",
        DEBUG="true",
        ALLOWED_HOSTS="x.org",
        SECRET_KEY="k" * 60,
        DATA_ENCRYPTION_KEYS=FERNET_KEY,
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_starts_with_its_secrets():
    result = _load_settings(
        DONGHANH_ENV="production",
        ALLOWED_HOSTS="x.org",
        SECRET_KEY="k" * 60,
        DATA_ENCRYPTION_KEYS=FERNET_KEY,
    )
    assert result.returncode == 0, result.stderr


def test_unknown_environment_is_refused():
    result = _load_settings(DONGHANH_ENV="staging")
    assert result.returncode != 0
    assert "DONGHANH_ENV" in result.stderr


APP_URL = "postgres://donghanh_app:a@db.internal:5432/donghanh"


def test_the_owner_url_gives_the_owners_credentials_for_the_same_database():
    result = _load_settings(
        DATABASE_URL=APP_URL,
        DATABASE_OWNER_URL="postgres://donghanh_owner:b@db.internal:5432/donghanh",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'USER': 'donghanh_owner', 'PASSWORD': 'b'}"
    assert _load_settings(DATABASE_URL=APP_URL).stdout.strip() == "None"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_URL": APP_URL, "DATABASE_OWNER_URL": "postgres://o:b@db.internal/other"},
            "same database",
        ),
        (
            {"DATABASE_URL": APP_URL, "DATABASE_OWNER_URL": "postgres://o:b@elsewhere/donghanh"},
            "same database",
        ),
        (
            {"DATABASE_URL": APP_URL, "DATABASE_OWNER_URL": APP_URL},
            "same user",
        ),
        ({"DATABASE_OWNER_URL": "postgres://o:b@db.internal/donghanh"}, "SQLite has no roles"),
    ],
)
def test_an_owner_url_that_does_not_fit_is_refused(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_envbool_refuses_unclear_values(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigurationError):
        envbool("FLAG", default=False)
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", default=False) is True


def test_envint_checks_type_and_range(monkeypatch):
    monkeypatch.setenv("N", "abc")
    with pytest.raises(ConfigurationError):
        envint("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ConfigurationError):
        envint("N", 1, minimum=1)
    monkeypatch.setenv("N", "7")
    assert envint("N", 1, minimum=1) == 7


def test_envlist_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.org, b.org ,,")
    assert envlist("HOSTS", []) == ["a.org", "b.org"]


def test_envsecret_reads_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.setenv("TOKEN_FILE", str(secret_file))
    assert envsecret("TOKEN") == "s3cret"
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError):
        envsecret("TOKEN")


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "donghanh" / "settings.py").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    reader = r'env(?:str|bool|int|list|choice|secret)\(\s*"([A-Z_]+)"'
    read = set(re.findall(reader, settings_source))
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    missing = {name for name in read if name not in documented}
    assert not missing, f".env.example lacks {sorted(missing)}"
