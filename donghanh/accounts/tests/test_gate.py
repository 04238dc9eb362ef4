"""SecurityGateMiddleware and the admin: password changes and the second factor come first."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from donghanh.accounts.admin import superuser_with_second_factor
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, UserFactory, confirmed_totp_device

pytestmark = pytest.mark.django_db

HOME = reverse("workspace:home")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
PASSWORD = reverse("accounts:password_change")


def test_case_worker_without_an_authenticator_must_set_one_up(case_worker):
    client = signed_in_client(case_worker, verified=False)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fapp%2F"
    assert client.get(SETUP).status_code == 200


def test_case_worker_with_an_authenticator_must_verify(case_worker):
    confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker, verified=False)
    response = client.get(reverse("accounts:security"))
    assert response["Location"] == f"{VERIFY}?next=%2Fapp%2Faccount%2F"


def test_verified_case_worker_passes(case_worker):
    assert signed_in_client(case_worker).get(HOME).status_code == 200


@pytest.mark.parametrize("role", Role.values)
def test_every_role_must_set_up_a_second_factor(role):
    user = MembershipFactory(role=role).user
    client = signed_in_client(user, verified=False)
    assert client.get(HOME)["Location"] == f"{SETUP}?next=%2Fapp%2F"
    assert client.get(reverse("accounts:security"))["Location"].startswith(SETUP)


def test_donor_viewer_who_set_up_an_authenticator_must_use_it(donor_viewer):
    confirmed_totp_device(donor_viewer)
    client = signed_in_client(donor_viewer, verified=False)
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_an_account_without_any_membership_needs_it_too(case_worker):
    case_worker.memberships.update(is_active=False)
    assert signed_in_client(case_worker, verified=False).get(HOME)["Location"].startswith(SETUP)
    assert signed_in_client(UserFactory(), verified=False).get(HOME)["Location"].startswith(SETUP)


def test_a_form_post_is_redirected_without_next(case_worker):
    client = signed_in_client(case_worker, verified=False)
    response = client.post(reverse("accounts:sessions_end_others"))
    assert response["Location"] == SETUP


def test_unverified_user_cannot_change_the_password_before_the_second_factor(case_worker):
    # Someone who only knows the password must not be able to lock the owner out.
    confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker, verified=False)
    response = client.post(
        PASSWORD,
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "x",
            "new_password2": "x",
        },
    )
    assert response["Location"] == VERIFY


def test_must_change_password_comes_first(case_worker):
    case_worker.must_change_password = True
    case_worker.save()
    client = signed_in_client(case_worker)
    response = client.get(HOME)
    assert response["Location"] == f"{PASSWORD}?next=%2Fapp%2F"
    assert client.get(PASSWORD).status_code == 200
    assert client.get(SETUP)["Location"].startswith(PASSWORD)
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_logout_stays_open_for_an_unverified_user(case_worker):
    client = signed_in_client(case_worker, verified=False)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


def test_public_pages_are_not_gated(case_worker):
    client = signed_in_client(case_worker, verified=False)
    assert client.get(reverse("public:home")).status_code == 200


def test_superuser_cannot_reach_admin_without_the_second_factor():
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = signed_in_client(superuser, verified=False)
    response = client.get("/admin/")
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    confirmed_totp_device(superuser)
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_verified_superuser_reaches_admin():
    superuser = UserFactory(is_superuser=True)
    client = signed_in_client(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_staff_flag_alone_does_not_open_admin(case_worker):
    case_worker.is_staff = True
    case_worker.save()
    response = signed_in_client(case_worker).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_login_redirects_to_the_platform_login():
    response = Client().get("/admin/login/?next=/admin/")
    assert response["Location"] == f"{reverse('accounts:login')}?next=/admin/"


def test_admin_permission_needs_a_verified_superuser():
    superuser: Any = UserFactory(is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert not superuser_with_second_factor(request)  # no OTP middleware: not verified
    superuser.is_verified = lambda: True
    assert superuser_with_second_factor(request)
    superuser.is_active = False
    assert not superuser_with_second_factor(request)
