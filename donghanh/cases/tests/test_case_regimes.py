"""The legal regime follows the identification date; entitled support follows configured rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases.models import (
    CaseType,
    IdentificationStatus,
    LegalRegime,
    SupportGroup,
    SupportRegimeRule,
    SupportRegimeTerm,
)
from donghanh.cases.selectors import legal_regime_for, regimes_entitled, support_group_for
from donghanh.cases.tests.conftest import identify, make_case, make_person
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client

A_TO_K = ["a", "b", "c", "d", "dd", "e", "g", "h", "i", "k"]
ON = datetime.date(2026, 5, 1)


def _codes(case, on=ON):
    return [regime.code for regime in regimes_entitled(case, on=on)]


@pytest.mark.parametrize(
    ("identified_on", "expected"),
    [
        (datetime.date(2025, 6, 30), LegalRegime.LAW_66_2011),
        (datetime.date(2025, 7, 1), LegalRegime.LAW_53_2024),
    ],
)
def test_legal_regime_boundary_is_stored_on_the_case(case, identified_on, expected):
    updated = identify(case, identified_on)
    updated.refresh_from_db()
    assert updated.legal_regime == expected


def test_legal_regime_follows_the_intake_date_until_identification():
    assert (
        legal_regime_for(identified_on=None, intake_date=datetime.date(2025, 6, 30))
        == LegalRegime.LAW_66_2011
    )
    assert (
        legal_regime_for(identified_on=None, intake_date=datetime.date(2025, 7, 1))
        == LegalRegime.LAW_53_2024
    )
    # Art. 63: the identification date decides, whatever the intake date.
    assert (
        legal_regime_for(
            identified_on=datetime.date(2025, 6, 30), intake_date=datetime.date(2025, 7, 2)
        )
        == LegalRegime.LAW_66_2011
    )


def test_the_case_page_shows_the_legal_regime(staff, case):
    identify(case, datetime.date(2025, 6, 30))
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    body = staff.client(Role.CASE_WORKER).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Law 66/2011/QH12" in body
    assert "30/06/2025" in body


def test_victim_who_is_a_citizen_is_entitled_to_a_to_k(case):
    case = identify(case, datetime.date(2025, 8, 1))
    assert support_group_for(case) == SupportGroup.VICTIM_CITIZEN
    assert _codes(case) == A_TO_K


def test_stateless_victim_counts_with_citizens(staff):
    person = make_person(staff.organisation, nationality="XX")
    case = identify(make_case(person), datetime.date(2025, 8, 1))
    assert _codes(case) == A_TO_K


def test_accompanying_minor_is_entitled_to_a_to_h(staff):
    child = make_person(
        staff.organisation,
        full_name="Nguyễn Văn An",
        sex="male",
        date_of_birth=datetime.date(2015, 1, 1),
    )
    case = make_case(child, case_type=CaseType.ACCOMPANYING_MINOR)
    assert support_group_for(case) == SupportGroup.ACCOMPANYING_MINOR
    assert _codes(case) == ["a", "b", "c", "d", "dd", "e", "g", "h"]


def test_undergoing_identification_abroad_is_entitled_to_a_to_d(person):
    case = make_case(
        person,
        case_type=CaseType.UNDERGOING_IDENTIFICATION,
        intake_channel="embassy_abroad",
        is_abroad=True,
    )
    assert case.identification_status == IdentificationStatus.UNDERGOING
    assert support_group_for(case) == SupportGroup.UNDERGOING_ABROAD
    assert _codes(case) == ["a", "b", "c", "d"]


def test_undergoing_identification_in_vietnam_is_entitled_to_a_to_g(person):
    case = make_case(person, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    assert support_group_for(case) == SupportGroup.UNDERGOING_IN_VIETNAM
    assert _codes(case) == ["a", "b", "c", "d", "dd", "e", "g"]


def test_foreign_victim_is_entitled_case_by_case(staff):
    person = make_person(staff.organisation, full_name="Sok Dara", nationality="KH")
    case = identify(make_case(person), datetime.date(2025, 8, 1))
    regimes = regimes_entitled(case, on=ON)
    assert [regime.code for regime in regimes] == ["a", "b", "c", "d", "dd", "g"]
    assert all(regime.case_by_case for regime in regimes)


def test_no_regime_without_status_or_group(case):
    assert support_group_for(case) is None
    assert regimes_entitled(case, on=ON) == []


def test_a_victim_identified_before_1_july_2025_keeps_the_2011_rules(case):
    case = identify(case, datetime.date(2025, 6, 30))
    regimes = regimes_entitled(case, on=ON)
    assert {regime.legal_basis for regime in regimes} == {
        "Luật 66/2011/QH12, Chương V; Luật 53/2024/QH15, Điều 63"
    }
    # Interpretation (c) and legal information (d) are regimes of the 2024 law only.
    assert "c" not in [regime.code for regime in regimes]


# Effective-dated configuration.


def test_a_rule_whose_valid_to_is_past_is_not_applied(case):
    case = identify(case, datetime.date(2025, 8, 1))
    SupportRegimeRule.objects.filter(
        legal_regime=LegalRegime.LAW_53_2024, group=SupportGroup.VICTIM_CITIZEN, regime="k"
    ).update(valid_to=datetime.date(2026, 4, 30))
    assert "k" not in _codes(case, on=ON)
    # It still applied on the last day of its validity.
    assert "k" in _codes(case, on=datetime.date(2026, 4, 30))


def test_a_rule_that_starts_later_is_not_applied_yet(staff):
    case = make_case(
        make_person(staff.organisation),
        case_type=CaseType.UNDERGOING_IDENTIFICATION,
        is_abroad=True,
    )
    SupportRegimeRule.objects.create(
        legal_regime=LegalRegime.LAW_53_2024,
        group=SupportGroup.UNDERGOING_ABROAD,
        regime="e",
        valid_from=datetime.date(2027, 1, 1),
    )
    assert _codes(case, on=ON) == ["a", "b", "c", "d"]
    assert _codes(case, on=datetime.date(2027, 1, 1)) == ["a", "b", "c", "d", "e"]


def test_rates_and_agencies_are_effective_dated(case):
    case = identify(case, datetime.date(2025, 8, 1))
    SupportRegimeTerm.objects.filter(legal_regime=LegalRegime.LAW_53_2024, regime="a").update(
        valid_to=datetime.date(2025, 12, 31)
    )
    SupportRegimeTerm.objects.create(
        legal_regime=LegalRegime.LAW_53_2024,
        regime="a",
        rate_vnd=80_000,
        unit=SupportRegimeTerm.Unit.PER_DAY,
        cap_vnd=2_400_000,
        responsible_agency="Sở Y tế tỉnh Nghệ An",
        valid_from=datetime.date(2026, 1, 1),
    )
    on_2025: dict[str, Any] = {
        regime.code: regime.term for regime in regimes_entitled(case, on=datetime.date(2025, 9, 1))
    }
    on_2026: dict[str, Any] = {regime.code: regime.term for regime in regimes_entitled(case, on=ON)}
    assert on_2025["a"].rate_vnd is None
    assert on_2026["a"].rate_vnd == 80_000
    assert on_2026["a"].responsible_agency == "Sở Y tế tỉnh Nghệ An"


def test_the_case_page_shows_configured_rates_as_money(staff, case):
    case = identify(case, datetime.date(2025, 8, 1))
    SupportRegimeTerm.objects.filter(legal_regime=LegalRegime.LAW_53_2024, regime="k").update(
        rate_vnd=1_500_000, unit=SupportRegimeTerm.Unit.PER_PERSON
    )
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    body = staff.client(Role.CASE_WORKER).get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "1.500.000\u00a0₫" in body
    assert "k) Trợ cấp khó khăn ban đầu" in body


def test_the_loaded_table_matches_article_37(db):
    """The data migration loaded domain.md's table for Law 53/2024."""
    rules = SupportRegimeRule.objects.filter(legal_regime=LegalRegime.LAW_53_2024)
    table: dict[str, set[str]] = {}
    for rule in rules:
        table.setdefault(rule.group, set()).add(rule.regime)
        assert rule.valid_from == datetime.date(2025, 7, 1)
        assert rule.valid_to is None
    assert table == {
        SupportGroup.VICTIM_CITIZEN: set(A_TO_K),
        SupportGroup.ACCOMPANYING_MINOR: {"a", "b", "c", "d", "dd", "e", "g", "h"},
        SupportGroup.UNDERGOING_ABROAD: {"a", "b", "c", "d"},
        SupportGroup.UNDERGOING_IN_VIETNAM: {"a", "b", "c", "d", "dd", "e", "g"},
        SupportGroup.FOREIGN_VICTIM: {"a", "b", "c", "d", "dd", "g"},
    }
    # No amount is written in the code or the data: administrators enter them.
    assert not SupportRegimeTerm.objects.exclude(rate_vnd=None).exists()
    assert not SupportRegimeTerm.objects.exclude(cap_vnd=None).exists()


def test_administrators_edit_the_configuration_with_an_audit_row(db, user_factory):
    admin_client = signed_in_client(user_factory(is_superuser=True, is_staff=True))
    term = SupportRegimeTerm.objects.get(legal_regime=LegalRegime.LAW_53_2024, regime="b")
    url = reverse("admin:cases_supportregimeterm_change", args=[term.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "legal_regime": term.legal_regime,
            "regime": term.regime,
            "rate_vnd": "500.000 ₫",  # as people write money
            "unit": "per_person",
            "cap_vnd": "",
            "max_days": "",
            "responsible_agency": term.responsible_agency,
            "valid_from": "2025-07-01",
            "valid_to": "",
            "legal_basis": term.legal_basis,
            "note": term.note,
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.rate_vnd == 500_000
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="cases.supportregimeterm")
    assert entry.changed_fields == ["rate_vnd", "unit"]


@pytest.mark.parametrize("case_type", [CaseType.TRAFFICKING_VICTIM, CaseType.ACCOMPANYING_MINOR])
def test_the_case_page_reads_the_regimes_regimes_entitled_gives(staff, case_type):
    """The case page reads the rules and rates of the case's law and group whatever their
    dates, and keeps those in force in Python: the same regimes and rates on every day."""
    from donghanh.cases.selectors import (
        CASE_PAGE_READS,
        case_page_keys,
        regimes_entitled_from,
    )
    from donghanh.organisations.models import Membership

    case = make_case(make_person(staff.organisation), case_type=case_type)
    if case_type == CaseType.TRAFFICKING_VICTIM:
        case = identify(case, datetime.date(2025, 8, 1))
    SupportRegimeTerm.objects.filter(legal_regime=LegalRegime.LAW_53_2024, regime="a").update(
        valid_to=datetime.date(2025, 12, 31)
    )
    SupportRegimeTerm.objects.create(
        legal_regime=LegalRegime.LAW_53_2024, regime="a", rate_vnd=80_000,
        unit=SupportRegimeTerm.Unit.PER_DAY, valid_from=datetime.date(2026, 1, 1),
    )  # fmt: skip
    SupportRegimeRule.objects.filter(legal_regime=LegalRegime.LAW_53_2024, regime="b").update(
        valid_to=datetime.date(2026, 4, 30)
    )
    membership = Membership.objects.filter(organisation=staff.organisation).first()
    assert membership is not None
    keys = case_page_keys(membership, case)
    rules = CASE_PAGE_READS["rules"](keys["legal_regime"], keys["support_group"])
    terms = CASE_PAGE_READS["terms"](keys["legal_regime"], keys["support_group"])
    assert rules and terms
    days = [datetime.date(2025, 12, 31), datetime.date(2026, 1, 1), datetime.date(2026, 4, 30),
            datetime.date(2026, 5, 1), ON]  # fmt: skip
    for day in days:
        read = regimes_entitled_from(case, rules, terms, on=day)
        assert read == regimes_entitled(case, on=day), day
        assert read
    assert "b" in _codes(case, on=datetime.date(2026, 4, 30))
    assert "b" not in _codes(case, on=datetime.date(2026, 5, 1))
