"""`manage.py load_demo`: organisations from the seed documents and demo users for every role."""

from __future__ import annotations

from collections import defaultdict
from io import StringIO
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.demo import services
from donghanh.demo.credentials import demo_totp_key
from donghanh.demo.data import ORGANISATIONS, USERS, OrganisationSpec
from donghanh.demo.guard import DemoDataError
from donghanh.demo.models import DemoAccount
from donghanh.demo.services import demo_load
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Role
from donghanh.places.models import LegacyProvince
from donghanh.testing.factories import OrganisationFactory

User = get_user_model()
Kind = Organisation.Kind

pytestmark = pytest.mark.usefixtures("provinces")


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def memberships_by_role() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for membership in Membership.objects.filter(user__demo_account__isnull=False).select_related(
        "organisation"
    ):
        found[membership.role].add(membership.organisation.slug)
    return found


def test_command_loads_every_organisation_and_user():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Organisation.objects.filter(slug__in=[s.slug for s in ORGANISATIONS]).count() == len(
        ORGANISATIONS
    )
    assert DemoAccount.objects.count() == len(USERS)
    assert set(
        User.objects.filter(demo_account__isnull=False).values_list("username", flat=True)
    ) == {spec.username for spec in USERS}


def test_every_role_has_demo_users_in_at_least_two_organisations(loaded):
    by_role = memberships_by_role()
    assert set(by_role) == set(Role.values)
    for role, slugs in by_role.items():
        assert len(slugs) >= 2, role


def test_demo_users_belong_to_a_shelter_a_mass_organisation_an_ngo_and_a_donor(loaded):
    organisations = Organisation.objects.filter(memberships__user__demo_account__isnull=False)
    kinds = set(organisations.values_list("kind", flat=True))
    assert {Kind.SHELTER, Kind.MASS_ORGANISATION, Kind.INTERNATIONAL_NGO, Kind.DONOR} <= kinds
    assert organisations.distinct().count() >= 4
    assert not organisations.filter(is_active=False).exists()


def test_one_demo_user_belongs_to_two_organisations_with_different_roles(loaded):
    user = User.objects.get(username="twoorgs.cwd")
    roles = dict(user.memberships.values_list("organisation__slug", "role"))
    assert roles == {
        "trung-tam-phu-nu-va-phat-trien": Role.CONTENT_EDITOR,
        "ngoi-nha-binh-yen": Role.SUPERVISOR,
    }


def test_system_administrator_is_superuser_without_membership(loaded):
    admin = User.objects.get(username="sysadmin")
    assert admin.is_superuser and admin.is_staff
    assert not admin.memberships.exists()
    others = User.objects.filter(demo_account__isnull=False).exclude(pk=admin.pk)
    assert not others.filter(is_superuser=True).exists()
    assert not others.filter(is_staff=True).exists()


def test_every_demo_user_has_the_demo_password_and_a_published_authenticator(loaded):
    for spec in USERS:
        user = User.objects.get(username=spec.username)
        assert user.full_name == spec.full_name
        assert user.is_active and not user.must_change_password
        assert user.check_password(settings.DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == demo_totp_key(spec.username).hex()


@pytest.mark.parametrize(
    ("slug", "kind", "parent"),
    [
        ("hoi-lhpn-viet-nam", Kind.MASS_ORGANISATION, None),
        ("trung-tam-phu-nu-va-phat-trien", Kind.SERVICE_PROVIDER, "hoi-lhpn-viet-nam"),
        ("ngoi-nha-binh-yen", Kind.SHELTER, "trung-tam-phu-nu-va-phat-trien"),
        ("thanh-doan-hai-phong", Kind.MASS_ORGANISATION, "doan-tncs-ho-chi-minh"),
        ("huyen-doan-nghi-xuan", Kind.MASS_ORGANISATION, "tinh-doan-ha-tinh"),
        ("hoi-dong-anh", Kind.INTERNATIONAL_NGO, None),
        ("world-vision-viet-nam", Kind.INTERNATIONAL_NGO, None),
        ("iom", Kind.INTERNATIONAL_NGO, None),
        ("tea-talk-viet-nam", Kind.LOCAL_CSO, None),
        ("msd", Kind.LOCAL_CSO, None),
        ("bo-noi-vu-vuong-quoc-anh", Kind.DONOR, "chinh-phu-vuong-quoc-anh"),
        ("lien-minh-chau-au", Kind.DONOR, None),
        ("care-viet-nam", Kind.INTERNATIONAL_NGO, "care-quoc-te"),
        ("care-quoc-te", Kind.DONOR, None),
        ("cuu-tro-tre-em-viet-nam", Kind.INTERNATIONAL_NGO, "cuu-tro-tre-em"),
        ("cuu-tro-tre-em", Kind.DONOR, None),
        ("vien-van-hoa-nghe-thuat-quoc-gia", Kind.STATE_AGENCY, None),
        ("cuc-phong-chong-te-nan-xa-hoi", Kind.STATE_AGENCY, "bo-ldtbxh"),
        ("bo-noi-vu", Kind.STATE_AGENCY, None),
    ],
)
def test_kinds_and_parents(loaded, slug, kind, parent):
    organisation = org(slug)
    assert organisation.kind == kind
    assert (organisation.parent.slug if organisation.parent else None) == parent


def test_names_in_vietnamese_and_english():
    demo_load()
    peace_house = org("ngoi-nha-binh-yen")
    assert (peace_house.name, peace_house.name_en) == ("Ngôi nhà Bình yên", "Peace House")
    women = org("hoi-lhpn-viet-nam")
    assert (women.name, women.name_en, women.short_name) == (
        "Hội Liên hiệp Phụ nữ Việt Nam",
        "Vietnam Women's Union",
        "Hội LHPN Việt Nam",
    )


def test_molisa_and_bodies_abolished_in_2025_are_kept_as_inactive_history(loaded):
    molisa = org("bo-ldtbxh")
    assert molisa.kind == Kind.STATE_AGENCY
    assert not molisa.is_active
    assert "Bộ Nội vụ" in molisa.description
    for slug in ("cuc-phong-chong-te-nan-xa-hoi", "so-ldtbxh-nghe-an", "huyen-doan-can-loc"):
        assert not org(slug).is_active, slug
    for slug in ("bo-noi-vu", "bo-y-te", "bo-cong-an", "ngoi-nha-binh-yen", "iom"):
        assert org(slug).is_active, slug


def test_provinces_are_todays(loaded):
    def codes(slug: str) -> set[str]:
        return set(org(slug).provinces.values_list("code", flat=True))

    assert codes("world-vision-viet-nam") == {"01", "40", "42", "44"}
    assert codes("care-viet-nam") == {"01", "22", "79", "92"}
    assert codes("thanh-doan-hai-phong") == {"31"}
    assert codes("tinh-doan-quang-binh") == {"44"}  # Quảng Bình is part of Quảng Trị
    assert codes("msd") == {"01", "79", "82", "46", "66", "15", "31"}
    assert codes("bo-noi-vu-vuong-quoc-anh") == set()


def test_province_codes_match_the_pre_2025_provinces_the_documents_name():
    if not LegacyProvince.objects.exists():
        pytest.skip("the places data is not loaded")
    today = dict(LegacyProvince.objects.values_list("short_name", "current_province_id"))
    assert today["Quảng Bình"] == "44"
    assert today["Tiền Giang"] == "82"
    assert today["Hải Dương"] == "31"
    assert today["Đắk Lắk"] == "66"
    assert today["Lào Cai"] == "15"


def _snapshot() -> dict[str, Any]:
    """Every field of every row demo data owns."""
    slugs = [spec.slug for spec in ORGANISATIONS]
    organisations = Organisation.objects.filter(slug__in=slugs)
    users = User.objects.filter(demo_account__isnull=False)
    return {
        "organisations": list(organisations.order_by("pk").values()),
        "provinces": sorted(
            organisations.values_list("slug", "provinces__code").order_by("slug", "provinces__code")
        ),
        "users": list(users.order_by("pk").values()),
        "memberships": list(Membership.objects.filter(user__in=users).order_by("pk").values()),
        "devices": list(TOTPDevice.objects.filter(user__in=users).order_by("pk").values()),
        "demo_accounts": list(DemoAccount.objects.order_by("pk").values()),
    }


def test_second_run_changes_nothing_and_writes_no_audit_rows():
    first = demo_load()
    assert first.changed
    before = _snapshot()
    audit_rows = AuditEntry.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _snapshot() == before
    assert AuditEntry.objects.count() == audit_rows
    assert "up to date" in out.getvalue()
    second = demo_load()
    assert not second.changed
    assert second.organisations.unchanged == len(ORGANISATIONS)
    assert second.users.unchanged == len(USERS)


def test_first_run_audits_every_record_without_names():
    demo_load()
    rows = AuditEntry.objects.all()
    memberships = sum(len(spec.memberships) for spec in USERS)
    creates = rows.filter(action=AuditAction.CREATE)
    assert creates.filter(target_type="organisations.organisation").count() == len(ORGANISATIONS)
    assert creates.filter(target_type="accounts.user").count() == len(USERS)
    assert creates.filter(target_type="organisations.membership").count() == memberships
    assert rows.filter(action=AuditAction.TWO_FACTOR_ENROLLED).count() == len(USERS)
    assert set(rows.values_list("actor_username", flat=True)) == {services.AUDIT_ACTOR}
    names = [spec.full_name for spec in USERS] + [spec.username for spec in USERS]
    for summary in rows.values_list("summary", flat=True):
        assert not any(name in summary for name in names)


def test_restores_a_demo_account_changed_while_testing():
    demo_load()
    user = User.objects.get(username="caseworker.binhyen")
    user.set_password("something-else-entirely")
    user.full_name = "Someone Else"
    user.must_change_password = True
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)  # a new phone
    Membership.objects.filter(user=user).update(role=Role.DONOR_VIEWER, is_active=False)
    stray = cast(Organisation, OrganisationFactory())
    Membership.objects.create(user=user, organisation=stray, role=Role.ORG_ADMIN)
    last_audit_pk = AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last()

    report = demo_load()

    assert report.users.updated == 1
    assert report.users.unchanged == len(USERS) - 1
    user.refresh_from_db()
    assert user.full_name == "Phạm Thị Lan Anh"
    assert not user.must_change_password
    assert user.check_password(settings.DEMO_PASSWORD)
    assert [d.key for d in TOTPDevice.objects.filter(user=user)] == [
        demo_totp_key(user.username).hex()
    ]
    assert list(user.memberships.values_list("organisation__slug", "role", "is_active")) == [
        ("ngoi-nha-binh-yen", Role.CASE_WORKER, True)
    ]
    assert not Membership.objects.filter(user=user, organisation=stray).exists()
    new_rows = AuditEntry.objects.filter(pk__gt=last_audit_pk)
    actions = sorted(new_rows.values_list("action", flat=True))
    assert actions == sorted(
        [
            AuditAction.UPDATE,
            AuditAction.UPDATE,
            AuditAction.DELETE,
            AuditAction.TWO_FACTOR_ENROLLED,
        ]
    )
    assert not demo_load().changed


def test_throttled_demo_authenticator_is_reset():
    demo_load()
    device = TOTPDevice.objects.get(user__username="admin.cwd")
    device.throttle_increment()
    assert not device.verify_is_allowed()[0]
    demo_load()
    device.refresh_from_db()
    assert device.verify_is_allowed()[0]


def test_leaves_a_real_user_with_a_demo_username_alone():
    real = User.objects.create_user(username="sysadmin", full_name="Người thật")
    with pytest.raises(DemoDataError, match="sysadmin"):
        demo_load()
    # The whole load is one transaction: nothing was written.
    assert not Organisation.objects.filter(slug="ngoi-nha-binh-yen").exists()
    assert not DemoAccount.objects.exists()
    real.refresh_from_db()
    assert real.full_name == "Người thật" and not real.is_superuser


def test_refuses_an_organisation_name_taken_by_another_slug():
    Organisation.objects.create(name="Ngôi nhà Bình yên", slug="other", kind=Kind.SHELTER)
    with pytest.raises(CommandError, match="Ngôi nhà Bình yên"):
        call_command("load_demo", stdout=StringIO())
    assert not DemoAccount.objects.exists()


def test_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo", stdout=StringIO())
    assert not DemoAccount.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_fails_clearly_when_provinces_are_missing(monkeypatch):
    broken = (
        *ORGANISATIONS,
        OrganisationSpec(slug="x", name="X", name_en="X", kind=Kind.DONOR, provinces=("99",)),
    )
    monkeypatch.setattr(services, "ORGANISATIONS", broken)
    with pytest.raises(CommandError, match="99"):
        call_command("load_demo", stdout=StringIO())
    assert not Organisation.objects.exists()
