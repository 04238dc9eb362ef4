from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import User, UserSession
from donghanh.accounts.selectors import describe_user_agent
from donghanh.accounts.services import user_end_all_sessions, user_reset_two_factor
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import UserFactory, confirmed_totp_device

pytestmark = pytest.mark.django_db

HOME = reverse("workspace:home")


def test_user_end_all_sessions_can_keep_one(donor_viewer):
    keep = signed_in_client(donor_viewer)
    gone = signed_in_client(donor_viewer)
    keep.get(HOME)
    gone.get(HOME)
    ended = user_end_all_sessions(
        actor=Actor.for_user(donor_viewer),
        user=donor_viewer,
        except_session_key=keep.session.session_key,
    )
    assert ended == 1
    assert keep.get(HOME).status_code == 200
    assert gone.get(HOME).status_code == 302
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        keep.session.session_key
    ]


def test_user_end_all_sessions_ends_untracked_sessions_too(donor_viewer, case_worker):
    untracked = signed_in_client(donor_viewer)
    colleague = signed_in_client(case_worker)
    assert not UserSession.objects.exists()
    assert user_end_all_sessions(actor=Actor.for_user(donor_viewer), user=donor_viewer) == 1
    assert untracked.get(HOME).status_code == 302
    assert colleague.get(HOME).status_code == 200
    assert Session.objects.count() == 1


def test_reset_two_factor_removes_devices_ends_sessions_and_audits(case_worker):
    admin_user: Any = UserFactory(is_superuser=True)
    confirmed_totp_device(case_worker)
    StaticDevice.objects.create(user=case_worker, name="recovery codes", confirmed=True)
    client = signed_in_client(case_worker)
    user_reset_two_factor(actor=Actor.for_user(admin_user), user=case_worker)
    assert not TOTPDevice.objects.filter(user=case_worker).exists()
    assert not StaticDevice.objects.filter(user=case_worker).exists()
    assert client.get(HOME)["Location"].startswith(reverse("accounts:login"))
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert entry.actor == admin_user
    assert entry.target_id == str(case_worker.pk)


def test_admin_action_resets_two_factor(case_worker):
    confirmed_totp_device(case_worker)
    superuser: Any = UserFactory(is_superuser=True)
    client = signed_in_client(superuser)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [case_worker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=case_worker).exists()
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_RESET, actor=superuser).exists()


def test_device_secrets_are_not_browsable_in_the_admin():
    client = signed_in_client(UserFactory(is_superuser=True))
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_admin_shows_sessions_read_only_without_the_key(donor_viewer):
    signed_in_client(donor_viewer).get(HOME)
    row = UserSession.objects.get()
    client = signed_in_client(UserFactory(is_superuser=True))
    response = client.get(reverse("admin:accounts_usersession_change", args=[row.pk]))
    assert response.status_code == 200
    assert row.session_key not in response.content.decode()
    assert (
        client.post(reverse("admin:accounts_usersession_delete", args=[row.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36",
            "Chrome · Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 "
            "Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari · iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "Chrome/130.0 Safari/537.36 Edg/130.0",
            "Edge · Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 "
            "coc_coc_browser/120.0 Chrome/120.0 Safari/537.36",
            "Cốc Cốc · Windows",
        ),
        ("curl/8.0", ""),
    ],
)
def test_describe_user_agent(agent, expected):
    assert describe_user_agent(agent) == expected


def test_admin_creates_a_user_with_a_temporary_password():
    client = signed_in_client(UserFactory(is_superuser=True))
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newcomer",
            "full_name": "Phạm Thị Lan",
            "email": "",
            "usable_password": "true",
            "password1": "ba-con-cá-vàng-2026",
            "password2": "ba-con-cá-vàng-2026",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.must_change_password
    entry = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert entry.target_id == str(newcomer.pk)
    assert not any("password" in name for name in entry.changed_fields)


def test_admin_user_page_shows_memberships_read_only(case_worker):
    client = signed_in_client(UserFactory(is_superuser=True))
    response = client.get(reverse("admin:accounts_user_change", args=[case_worker.pk]))
    assert response.status_code == 200
    organisation = case_worker.memberships.get().organisation
    assert organisation.name in response.content.decode()


def test_password_set_in_admin_is_temporary_audited_and_ends_sessions(case_worker):
    superuser: Any = UserFactory(is_superuser=True)
    admin_client = signed_in_client(superuser)
    member = signed_in_client(case_worker)
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[case_worker.pk]),
        {"password1": "mưa-rơi-trên-mái-2026", "password2": "mưa-rơi-trên-mái-2026"},
    )
    assert response.status_code == 302
    case_worker.refresh_from_db()
    assert case_worker.check_password("mưa-rơi-trên-mái-2026")
    assert case_worker.must_change_password
    assert member.get(HOME)["Location"].startswith(reverse("accounts:login"))
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET)
    assert (entry.actor, entry.target_id) == (superuser, str(case_worker.pk))
    assert "mưa-rơi" not in str(AuditEntry.objects.values_list())
    assert admin_client.get("/admin/").status_code == 200
