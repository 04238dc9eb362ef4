from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import UserSession
from donghanh.accounts.sessions import TRACKED_AT_SESSION_KEY, TRACKING_INTERVAL_SECONDS
from donghanh.accounts.tests.conftest import audit_actions, sign_in
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

HOME = reverse("workspace:home")
SECURITY = reverse("accounts:security")
LOGIN = reverse("accounts:login")


def _tracked(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def _age_tracking(client: Client, seconds: int) -> None:
    session = client.session
    session[TRACKED_AT_SESSION_KEY] -= seconds
    session.save()


def test_first_request_tracks_a_session_and_later_ones_write_at_most_once_a_minute(donor_viewer):
    client = signed_in_client(donor_viewer)
    client.get(HOME)
    row = _tracked(client)
    first_seen = row.last_seen_at
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=first_seen - timedelta(minutes=5))
    client.get(HOME)
    row.refresh_from_db()
    assert row.last_seen_at == first_seen - timedelta(minutes=5)  # within the minute: no write
    _age_tracking(client, 61)
    client.get(HOME)
    row.refresh_from_db()
    assert row.last_seen_at > first_seen - timedelta(minutes=1)


def test_tracking_drops_rows_of_sessions_that_no_longer_exist(donor_viewer):
    gone = UserSession.objects.create(
        user=donor_viewer, session_key="x" * 32, last_seen_at=timezone.now()
    )
    client = signed_in_client(donor_viewer)
    client.get(HOME)
    assert not UserSession.objects.filter(pk=gone.pk).exists()
    assert UserSession.objects.filter(user=donor_viewer).count() == 1


def test_account_page_lists_own_live_sessions_and_marks_this_one(donor_viewer, case_worker):
    me = signed_in_client(donor_viewer)
    sign_in(Client(), donor_viewer.username, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")
    expired = Client()
    sign_in(
        expired,
        donor_viewer.username,
        HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/130.0",
    )
    Session.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    signed_in_client(case_worker).get(HOME)  # someone else's session
    response = me.get(SECURITY)
    assert response.status_code == 200
    rows = response.context["sessions"]
    assert len(rows) == 2
    assert [r["current"] for r in rows].count(True) == 1
    assert {r["browser"] for r in rows if not r["current"]} == {"Safari · iPhone"}
    html = response.content.decode()
    assert "Firefox" not in html
    assert 'scope="col"' in html


def test_ending_a_session_makes_that_client_anonymous(donor_viewer):
    me = signed_in_client(donor_viewer)
    other = signed_in_client(donor_viewer)
    other.get(HOME)
    other_row = _tracked(other)
    me.get(HOME)
    response = me.post(reverse("accounts:session_end", kwargs={"session_id": other_row.pk}))
    assert response["Location"] == SECURITY
    assert not Session.objects.filter(session_key=other_row.session_key).exists()
    assert not UserSession.objects.filter(pk=other_row.pk).exists()
    assert other.get(HOME)["Location"].startswith(LOGIN)
    assert me.get(HOME).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.SESSION_ENDED)
    assert entry.actor == donor_viewer
    assert entry.target_id == str(donor_viewer.pk)
    assert other_row.session_key not in entry.summary


def test_another_users_session_cannot_be_ended(donor_viewer, case_worker):
    victim = signed_in_client(case_worker)
    victim.get(HOME)
    row = _tracked(victim)
    response = signed_in_client(donor_viewer).post(
        reverse("accounts:session_end", kwargs={"session_id": row.pk})
    )
    assert response.status_code == 404
    assert victim.get(HOME).status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.SESSION_ENDED).exists()


def test_ending_a_session_needs_post(donor_viewer):
    client = signed_in_client(donor_viewer)
    client.get(HOME)
    url = reverse("accounts:session_end", kwargs={"session_id": _tracked(client).pk})
    assert client.get(url).status_code == 405
    assert client.get(reverse("accounts:sessions_end_others")).status_code == 405


def test_ending_the_current_session_signs_out(donor_viewer):
    client = signed_in_client(donor_viewer)
    client.get(HOME)
    response = client.post(
        reverse("accounts:session_end", kwargs={"session_id": _tracked(client).pk})
    )
    assert response["Location"] == LOGIN
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_sign_out_all_other_sessions(donor_viewer, case_worker):
    me = signed_in_client(donor_viewer)
    others = [signed_in_client(donor_viewer) for _ in range(2)]
    for client in [me, *others]:
        client.get(HOME)
    untracked = signed_in_client(donor_viewer)  # never made a request: no tracking row yet
    colleague = signed_in_client(case_worker)
    response = me.post(reverse("accounts:sessions_end_others"))
    assert response["Location"] == SECURITY
    for client in [*others, untracked]:
        assert client.get(HOME)["Location"].startswith(LOGIN)
    assert me.get(HOME).status_code == 200
    assert colleague.get(HOME).status_code == 200
    assert audit_actions(action=AuditAction.SESSION_ENDED) == [AuditAction.SESSION_ENDED] * 2


def test_idle_session_stops_working(donor_viewer):
    client = signed_in_client(donor_viewer)
    assert client.get(HOME).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(HOME)["Location"].startswith(LOGIN)


def test_activity_extends_the_session(donor_viewer):
    client = signed_in_client(donor_viewer)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert client.get(HOME).status_code == 200
    expires = Session.objects.get(session_key=key).expire_date
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert expires > timezone.now() + idle - timedelta(minutes=1)
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def test_a_request_that_changes_nothing_writes_no_session(donor_viewer):
    client = signed_in_client(donor_viewer)
    key = client.session.session_key
    assert client.get(HOME).status_code == 200  # notes the activity: the session is written
    written = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == written
    # A minute later the activity is noted again, and the expiry moves with it.
    session = client.session
    session[TRACKED_AT_SESSION_KEY] -= TRACKING_INTERVAL_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=written - timedelta(minutes=5))
    assert client.get(HOME).status_code == 200
    assert Session.objects.get(session_key=key).expire_date > written - timedelta(minutes=1)


def test_account_page_needs_login():
    assert Client().get(SECURITY)["Location"].startswith(LOGIN)
