"""`.env.example` lists every variable the settings read; cache URLs are read strictly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from donghanh.env import ConfigurationError, cache_from_url

ROOT = Path(__file__).resolve().parents[3]
READERS = re.compile(r"\benv(?:str|bool|int|list|choice|secret)\(\s*\"([A-Z0-9_]+)\"")


def _listed() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_read():
    source = (ROOT / "donghanh" / "settings.py").read_text(encoding="utf-8")
    read = set(READERS.findall(source))
    # A secret may also come from a file named by NAME_FILE.
    read |= {f"{name}_FILE" for name in re.findall(r"envsecret\(\s*\"([A-Z0-9_]+)\"", source)}
    assert read, "no variable found: has the settings module changed shape?"
    assert read - _listed() == set()


def test_cache_urls():
    assert str(cache_from_url("redis://x:6379/1", fallback={})["BACKEND"]).endswith("RedisCache")
    assert (
        cache_from_url("rediss://cache:6380/0", fallback={})["LOCATION"] == "rediss://cache:6380/0"
    )
    file_cache = cache_from_url("file:///var/cache/donghanh", fallback={})
    assert file_cache == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/var/cache/donghanh",
    }
    assert str(cache_from_url("locmem://", fallback={})["BACKEND"]).endswith("LocMemCache")
    assert cache_from_url(" ", fallback={"BACKEND": "x"}) == {"BACKEND": "x"}


@pytest.mark.parametrize("url", ["memcached://x:11211", "file://relative/path", "redis"])
def test_cache_urls_that_cannot_be_understood_are_refused(url):
    with pytest.raises(ConfigurationError):
        cache_from_url(url, fallback={})
