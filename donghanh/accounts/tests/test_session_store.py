"""The session store reads a session by its key in one compiled query, as Django's would."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donghanh.accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def _saved(**data):
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_session_is_read_by_its_key_in_one_query():
    keys = [_saved(number=number) for number in range(3)]
    for number, key in enumerate(keys):
        with CaptureQueriesContext(connection) as queries:
            assert SessionStore(key)["number"] == number
        assert len(queries) == 1


def test_an_expired_or_unknown_session_is_not_loaded():
    key = _saved(number=1)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {}
    assert unknown.session_key is None
