"""The livelihood endpoints: a case's plan and reintegration assessments, savings groups, their
meetings and measures. Who may call each is in test_permission_matrix_livelihood.py; here, what
they answer: the same rules, audit rows, idempotency and stale-edit check as the pages, and
members' personal details only where the pages show them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.api.tests.conftest import Staff, api_client, issue_token, make_person
from donghanh.api.tests.test_schema import assert_conforms
from donghanh.audit.models import AuditEntry
from donghanh.cases.events import CaseEvent
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.livelihood.events import LivelihoodEvent
from donghanh.livelihood.plans.models import LivelihoodPlan, ReintegrationAssessment
from donghanh.livelihood.savings import services as savings_services
from donghanh.livelihood.savings.lines import MeetingLine
from donghanh.livelihood.savings.models import Cycle, GroupMember, Meeting, SavingsGroup
from donghanh.livelihood.tests.conftest import CONSTITUTION
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent
from donghanh.programmes.projects.models import Project

KEY = "Idempotency-Key"
SYSTEM = Actor.system("test")


# Plans and assessments -------------------------------------------------------------------


@pytest.fixture
def case(staff: Staff) -> Any:
    worker = staff.users[Role.CASE_WORKER]
    return make_case(make_person(staff.organisation, worker), worker)


def _plan(case: Any) -> str:
    return reverse("api:case_livelihood_plan", kwargs={"case_id": case.pk})


def _assessments(case: Any) -> str:
    return reverse("api:case_assessment_list", kwargs={"case_id": case.pk})


def _views_of(case: Any) -> int:
    return AuditEntry.objects.filter(
        event=CaseEvent.VIEWED.code, target_type="cases.case", target_id=str(case.pk)
    ).count()


def test_a_plan_is_started_once_read_and_changed(staff, case):
    client = staff.client(Role.CASE_WORKER)
    missing = client.get(_plan(case))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "This case has no livelihood plan yet."}

    started = client.post(
        _plan(case),
        {"goals": "Mở tiệm may", "livelihood": "trade", "income_at_start": "1.500.000 ₫"},
        format="json",
    )
    assert started.status_code == 201, started.content
    plan = started.json()
    assert (plan["goals"], plan["livelihood"], plan["income_at_start"]) == (
        "Mở tiệm may",
        "trade",
        1_500_000,
    )
    again = client.post(_plan(case), {"goals": "Khác"}, format="json")
    assert again.status_code == 200
    assert again.json()["goals"] == "Mở tiệm may"
    assert LivelihoodPlan.objects.filter(case=case).count() == 1

    views = _views_of(case)
    read = client.get(_plan(case)).json()
    assert _views_of(case) == views + 1  # every opening of the case is audited, as on the page
    edit = {"version": read["version"], "baseline": read["baseline"], "skills": "May vá"}
    changed = client.patch(_plan(case), edit, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["skills"] == "May vá"
    assert changed.json()["goals"] == "Mở tiệm may"  # a field not sent stays as it was
    assert changed.json()["version"] == read["version"] + 1


def test_a_stale_plan_edit_is_refused_naming_what_changed(staff, case):
    client = staff.client(Role.CASE_WORKER)
    client.post(_plan(case), format="json")
    read = client.get(_plan(case)).json()
    first = {"version": read["version"], "baseline": read["baseline"], "assets": "Hai con bò"}
    assert client.patch(_plan(case), first, format="json").status_code == 200
    late = {"version": read["version"], "baseline": read["baseline"], "goals": "Nuôi gà"}
    refused = staff.client(Role.SUPERVISOR).patch(_plan(case), late, format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert (body["code"], body["changed_fields"], body["current_version"]) == (
        "edit_conflict",
        ["assets"],
        read["version"] + 1,
    )
    assert LivelihoodPlan.objects.get(case=case).goals == ""
    no_version = client.patch(_plan(case), {"goals": "x"}, format="json")
    assert no_version.status_code == 400
    assert set(no_version.json()) == {"version", "baseline"}


def test_a_plan_refuses_another_organisations_programme_in_vietnamese(staff, case):
    client = staff.client(Role.CASE_WORKER)
    theirs = Project.objects.create(
        implementing_organisation=staff.other_organisation, code="X1", name="Dự án X1"
    )
    refused = client.post(
        _plan(case), {"project": theirs.pk}, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["project"]
    assert not LivelihoodPlan.objects.filter(case=case).exists()  # nothing written
    ours = Project.objects.create(
        implementing_organisation=staff.organisation, code="P1", name="Dự án P1"
    )
    assert client.post(_plan(case), {"project": ours.pk}, format="json").json()["project"] == (
        ours.pk
    )


def test_support_and_reviews_are_added_once_to_her_plan(staff, case):
    client = staff.client(Role.CASE_WORKER)
    support = reverse("api:case_livelihood_support", kwargs={"case_id": case.pk})
    reviews = reverse("api:case_livelihood_review", kwargs={"case_id": case.pk})
    gift = {"kind": "equipment", "amount": "2.000.000", "given_on": "2026-04-01"}
    assert client.post(support, gift | {"given_by_other": "UBND xã"}).status_code == 404
    client.post(_plan(case), format="json")

    named = gift | {"given_by": staff.organisation.slug}
    first = client.post(support, named, format="json", headers={KEY: "s" * 20})
    again = client.post(support, named, format="json", headers={KEY: "s" * 20})
    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["amount"], first.json()["given_by"]) == (
        2_000_000,
        staff.organisation.slug,
    )
    nobody = client.post(support, gift, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert nobody.status_code == 400 and list(nobody.json()) == ["given_by_other"]
    unknown = client.post(support, gift | {"given_by": "khong-co"}, format="json")
    assert unknown.status_code == 400 and list(unknown.json()) == ["given_by"]

    review = {"reviewed_on": "2026-06-01", "income": 2_500_000, "progress": "Bán được rau"}
    made = client.post(reviews, review, format="json", headers={KEY: "r" * 20})
    assert made.status_code == 201 and made.json()["income"] == 2_500_000
    assert (
        client.post(reviews, review, format="json", headers={KEY: "r" * 20}).json() == made.json()
    )
    future = client.post(reviews, review | {"reviewed_on": "2999-01-01"}, format="json")
    assert future.status_code == 400 and list(future.json()) == ["reviewed_on"]

    plan = client.get(_plan(case)).json()
    assert [s["id"] for s in plan["support"]] == [first.json()["id"]]
    assert plan["support_total"] == 2_000_000
    assert [r["id"] for r in plan["reviews"]] == [made.json()["id"]]


ANSWERS = {"econ_satisfied": 4, "econ_food": 5, "econ_borrow": None}


def test_an_assessment_sent_twice_is_recorded_once(staff, case):
    client = staff.client(Role.CASE_WORKER)
    body = {"point": "intake", "assessed_on": "2026-03-05", "answers": ANSWERS}
    first = client.post(_assessments(case), body, format="json", headers={KEY: "a" * 20})
    again = client.post(_assessments(case), body, format="json", headers={KEY: "a" * 20})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert ReintegrationAssessment.objects.filter(case=case).count() == 1
    assert first.json()["economic"] == 88
    assert first["Location"] == first.json()["url"]

    twice = client.post(_assessments(case), body, format="json", headers={KEY: "b" * 20})
    assert twice.status_code == 400
    assert list(twice.json()) == ["point"]

    listed = client.get(_assessments(case)).json()
    assert [a["id"] for a in listed["results"]] == [first.json()["id"]]
    assert [due["point"] for due in listed["reviews_due"]] == ["month_6", "month_12"]
    one = client.get(first.json()["url"])
    assert one.status_code == 200 and one.json()["answers"]["econ_food"] == 5


def test_an_assessment_refuses_bad_answers_and_writes_nothing(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _assessments(case)
    unknown = client.post(
        url,
        {"point": "intake", "assessed_on": "2026-03-05", "answers": {"nope": 3}},
        format="json",
    )
    assert unknown.status_code == 400 and list(unknown.json()) == ["answers"]
    out_of_range = client.post(
        url,
        {"point": "intake", "assessed_on": "2026-03-05", "answers": {"econ_food": 6}},
        format="json",
    )
    assert out_of_range.status_code == 400
    none = client.post(
        url,
        {"point": "intake", "assessed_on": "2026-03-05", "answers": {}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert none.status_code == 400
    assert none.json() == {"non_field_errors": ["Hãy trả lời ít nhất một câu hỏi."]}
    future = client.post(
        url,
        {"point": "intake", "assessed_on": "2999-01-01", "answers": ANSWERS},
        format="json",
    )
    assert future.status_code == 400 and list(future.json()) == ["assessed_on"]
    assert not ReintegrationAssessment.objects.filter(case=case).exists()


def test_an_assessment_of_another_case_is_not_found(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    other_case = make_case(make_person(staff.organisation, worker, full_name="Lê Thị Cúc"), worker)
    client = staff.client(Role.CASE_WORKER)
    made = client.post(
        _assessments(other_case),
        {"point": "intake", "assessed_on": "2026-03-05", "answers": ANSWERS},
        format="json",
    ).json()
    wrong = reverse(
        "api:case_assessment_detail", kwargs={"case_id": case.pk, "assessment_id": made["id"]}
    )
    assert client.get(wrong).status_code == 404


# Savings groups ---------------------------------------------------------------------------


class Savings:
    def __init__(self, staff: Staff) -> None:
        self.staff = staff
        self.worker = staff.users[Role.CASE_WORKER]
        self.group = savings_services.group_create(
            actor=SYSTEM,
            organisation=staff.organisation,
            name="Tổ Bảo Ninh",
            formed_on=datetime.date(2025, 12, 1),
        )
        self.members = [
            savings_services.member_add(
                actor=SYSTEM,
                group=self.group,
                full_name=name,
                phone=phone,
                joined_on=datetime.date(2025, 12, 1),
            )
            for name, phone in (("Lê Thị An", "0912 111 222"), ("Phạm Thị Bình", ""))
        ]
        self.cycle = savings_services.cycle_open(actor=SYSTEM, group=self.group, **CONSTITUTION)
        self.meeting = savings_services.meeting_record(
            actor=SYSTEM,
            cycle=self.cycle,
            held_on=datetime.date(2026, 2, 2),
            lines=[
                MeetingLine(member_id=m.pk, attendance="present", shares=2, social=True)
                for m in self.members
            ],
        )
        person = make_person(staff.organisation, self.worker, full_name="Lê Thị An")
        self.case = make_case(person, self.worker)
        people_services.consent_record(
            person=person,
            purpose=Consent.Purpose.SAVINGS_GROUP,
            method=Consent.Method.WRITTEN,
            given_by=Consent.GivenBy.PERSON,
            given_on=datetime.date(2026, 1, 10),
            actor=Actor.for_user(self.worker),
        )
        savings_services.member_link_case(actor=SYSTEM, member=self.members[0], case=self.case)

    def url(self, name: str, **kwargs: Any) -> str:
        ids: dict[str, int] = {"group_id": self.group.pk}
        if name.startswith("savings_meeting") or name == "savings_cycle_detail":
            ids["cycle_id"] = self.cycle.pk
        return reverse(f"api:{name}", kwargs=ids | kwargs)

    def ledger_version(self) -> int:
        return SavingsGroup.objects.get(pk=self.group.pk).ledger_version

    def meeting_body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "held_on": "2026-03-02",
            "ledger_version": self.ledger_version(),
            "lines": [
                {"member": m.pk, "attendance": "present", "shares": 1, "social": True}
                for m in self.members
            ],
        }
        return body | changes


@pytest.fixture
def savings(staff: Staff) -> Savings:
    return Savings(staff)


def _viewed(group: SavingsGroup) -> list[dict[str, Any]]:
    return list(
        AuditEntry.objects.filter(event=LivelihoodEvent.GROUP_VIEWED.code, target_id=str(group.pk))
        .order_by("pk")
        .values_list("details", flat=True)
    )


def test_the_groups_list_names_no_member(staff, savings):
    listed = staff.client(Role.PROGRAMME_OFFICER).get(reverse("api:savings_group_list"))
    assert listed.status_code == 200
    [group] = listed.json()["results"]
    assert (group["name"], group["members"], group["cycle_running"]) == ("Tổ Bảo Ninh", 2, True)
    assert group["cash_at_hand"] == 2 * 20_000 + 2 * 2_000
    assert "Lê Thị An" not in listed.content.decode()
    assert not _viewed(savings.group)


def test_a_group_names_its_members_and_the_read_is_audited(staff, savings):
    answer = staff.client(Role.ORG_ADMIN).get(savings.url("savings_group_detail"))
    assert answer.status_code == 200
    members = answer.json()["member_list"]
    assert [m["full_name"] for m in members] == ["Lê Thị An", "Phạm Thị Bình"]
    assert "0912 111 222" not in answer.content.decode()  # her phone: on her own record only
    assert _viewed(savings.group) == [{"members": 2}]
    phone = staff.client(Role.ORG_ADMIN).get(
        savings.url("savings_member_detail", member_id=savings.members[0].pk)
    )
    assert phone.json()["phone"] == "0912 111 222"
    assert _viewed(savings.group)[-1] == {"members": 1}


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [
        (Role.CASE_WORKER, True),  # her case is assigned to this worker
        (Role.SUPERVISOR, True),
        (Role.ORG_ADMIN, True),
        (Role.COLLABORATOR, False),  # sees the group, not her case
        (Role.PROGRAMME_OFFICER, False),  # never sees a case
    ],
)
def test_her_link_with_a_case_only_to_who_may_open_the_case(staff, savings, role, sees_link):
    client = staff.client(role)
    group = client.get(savings.url("savings_group_detail"))
    member = client.get(savings.url("savings_member_detail", member_id=savings.members[0].pk))
    expected = {"id": savings.case.pk, "number": savings.case.number} if sees_link else None
    assert group.json()["member_list"][0]["case"] == expected
    assert member.json()["case"] == expected
    if not sees_link:
        assert savings.case.number not in group.content.decode() + member.content.decode()


def test_the_link_is_hidden_once_her_consent_is_withdrawn(staff, savings):
    consent = GroupMember.objects.get(pk=savings.members[0].pk).case_consent
    assert consent is not None
    people_services.consent_withdraw(consent=consent, actor=SYSTEM)
    answer = staff.client(Role.SUPERVISOR).get(savings.url("savings_group_detail"))
    assert all(member["case"] is None for member in answer.json()["member_list"])


def test_a_meeting_sent_twice_is_recorded_once(staff, savings):
    client = staff.client(Role.COLLABORATOR)
    url = savings.url("savings_meeting_list")
    body = savings.meeting_body()
    body["lines"][0] |= {"loan_amount": "50.000", "loan_months": 2, "loan_purpose": "livestock"}
    first = client.post(url, body, format="json", headers={KEY: "m" * 24})
    again = client.post(url, body, format="json", headers={KEY: "m" * 24})
    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert first.json()["id"] == again.json()["id"]
    assert Meeting.objects.filter(cycle=savings.cycle).count() == 2
    meeting = first.json()
    assert meeting["number"] == 2
    lines = {line["member"]: line for line in meeting["lines"]}
    loan = lines[savings.members[0].pk]["loan"]
    assert loan is not None and lines[savings.members[1].pk]["loan"] is None
    kinds = sorted(entry["kind"] for entry in lines[savings.members[0].pk]["entries"])
    assert kinds == ["loan_out", "shares", "social_in"]
    # The box: what came in less the loan; the ledger's balances say the same.
    group = SavingsGroup.objects.get(pk=savings.group.pk)
    assert meeting["cash_after"] == group.cash_at_hand == 44_000 + 2 * 12_000 - 50_000
    assert "Lê Thị An" not in first.content.decode()
    listed = client.get(url).json()
    assert [m["number"] for m in listed["results"]] == [1, 2]
    assert client.get(first["Location"]).json()["lines"] == meeting["lines"]


def test_a_meeting_on_stale_balances_is_refused(staff, savings):
    client = staff.client(Role.CASE_WORKER)
    url = savings.url("savings_meeting_list")
    stale = savings.meeting_body(ledger_version=savings.ledger_version() - 1)
    refused = client.post(url, stale, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "edit_conflict"
    assert refused.json()["current_version"] == savings.ledger_version()
    assert Meeting.objects.filter(cycle=savings.cycle).count() == 1


def test_a_meeting_refusal_is_under_the_members_line_and_saves_nothing(staff, savings):
    client = staff.client(Role.CASE_WORKER)
    url = savings.url("savings_meeting_list")
    before = savings.ledger_version()
    too_many = savings.meeting_body()
    too_many["lines"][1]["shares"] = 9
    refused = client.post(url, too_many, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400
    lines = refused.json()["lines"]
    assert lines[0] == {} and list(lines[1]) == ["shares"]

    big_loan = savings.meeting_body()
    big_loan["lines"][0] |= {"loan_amount": 5_000_000, "loan_months": 2, "loan_purpose": "other"}
    refused = client.post(url, big_loan, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["lines"][0]) == ["loan_amount"]

    miscounted = savings.meeting_body(cash_counted=1)
    refused = client.post(url, miscounted, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["cash_counted"]

    missing = savings.meeting_body()
    missing["lines"] = missing["lines"][:1]
    refused = client.post(url, missing, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400 and list(refused.json()) == ["lines"]
    assert "thành viên" in refused.json()["lines"][0]

    early = savings.meeting_body(held_on="2026-02-02")
    refused = client.post(url, early, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["held_on"]

    assert Meeting.objects.filter(cycle=savings.cycle).count() == 1
    assert savings.ledger_version() == before


def test_a_cycle_reads_its_constitution_committee_loans_and_money(staff, savings):
    client = staff.client(Role.ORG_ADMIN)
    cycles = client.get(savings.url("savings_cycle_list")).json()
    assert [(c["number"], c["meetings"]) for c in cycles] == [(1, 1)]
    cycle = client.get(savings.url("savings_cycle_detail")).json()
    assert (cycle["share_price"], cycle["status"], cycle["loans"]) == (10_000, "open", [])
    assert cycle["totals"]["shares"] == 40_000 and cycle["totals"]["social_in"] == 4_000


def test_the_group_measures(staff, savings):
    answer = staff.client(Role.COLLABORATOR).get(savings.url("savings_group_measures"))
    assert answer.status_code == 200
    [cycle] = answer.json()["cycles"]
    assert (cycle["savings"], cycle["profit"], cycle["attendance"], cycle["drop_out"]) == (
        40_000,
        0,
        1.0,
        0.0,
    )
    assert cycle["portfolio_at_risk"] is None  # nothing lent: nothing to divide by


def test_the_programme_measures_name_groups_only_to_who_sees_them(staff, savings):
    url = reverse("api:savings_measures")
    seen = staff.client(Role.PROGRAMME_OFFICER).get(url).json()
    [row] = seen["results"]
    assert row["suppressed"] is False
    assert row["totals"]["members"] == {"value": 2.0, "text": "2", "suppressed": False}
    assert [group["name"] for group in row["groups"]] == ["Tổ Bảo Ninh"]
    donor = staff.client(Role.DONOR_VIEWER).get(url)
    [row] = donor.json()["results"]
    assert row["suppressed"] is True and row["groups"] is None
    assert row["totals"]["members"] == {"value": None, "text": "<11", "suppressed": True}
    assert row["totals"]["savings"] == 40_000
    assert "Tổ Bảo Ninh" not in donor.content.decode()


def test_a_cycle_shared_out_takes_no_meeting(staff, savings):
    client = staff.client(Role.SUPERVISOR)
    Cycle.objects.filter(pk=savings.cycle.pk).update(status="shared_out")
    refused = client.post(
        savings.url("savings_meeting_list"), savings.meeting_body(), format="json"
    )
    assert refused.status_code == 400 and list(refused.json()) == ["non_field_errors"]


def test_an_outsider_reads_no_group(staff, savings):
    outsider = api_client(issue_token(staff.outsider))
    for name in ("savings_group_detail", "savings_cycle_list", "savings_group_measures"):
        assert outsider.get(savings.url(name)).status_code == 404
    listed = outsider.get(reverse("api:savings_group_list"))
    assert listed.status_code == 200 and listed.json()["count"] == 0
    slug = staff.organisation.slug
    assert (
        outsider.get(reverse("api:savings_group_list"), {"organisation": slug}).status_code == 404
    )


# The answers conform to the schema ---------------------------------------------------------

PLAN_PATH = "/api/v1/cases/{case_id}/livelihood-plan/"
ASSESSMENTS_PATH = "/api/v1/cases/{case_id}/reintegration-assessments/"
GROUP_PATH = "/api/v1/savings-groups/{group_id}/"
CYCLE_PATH = f"{GROUP_PATH}cycles/{{cycle_id}}/"
MEETINGS_PATH = f"{CYCLE_PATH}meetings/"


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    return api_client().get(reverse("api:openapi")).json()


def test_the_plan_and_assessment_answers_conform(schema, staff, case):
    client = staff.client(Role.CASE_WORKER)
    assert_conforms(schema, PLAN_PATH, "get", client.get(_plan(case)))
    started = client.post(_plan(case), {"goals": "Mở tiệm may"}, format="json")
    assert_conforms(schema, PLAN_PATH, "post", started)
    assert_conforms(schema, PLAN_PATH, "post", client.post(_plan(case), format="json"))
    bad = client.patch(_plan(case), {"livelihood": "nope", "version": 1}, format="json")
    assert bad.status_code == 400
    assert_conforms(schema, PLAN_PATH, "patch", bad)
    read = client.get(_plan(case))
    assert_conforms(schema, PLAN_PATH, "get", read)
    edit = {"version": read.json()["version"], "baseline": read.json()["baseline"], "skills": "x"}
    assert_conforms(schema, PLAN_PATH, "patch", client.patch(_plan(case), edit, format="json"))
    stale = client.patch(_plan(case), edit, format="json")
    assert stale.status_code == 409
    assert_conforms(schema, PLAN_PATH, "patch", stale)
    assert_conforms(schema, PLAN_PATH, "patch", client.patch(_plan(case), {}, format="json"))
    support = reverse("api:case_livelihood_support", kwargs={"case_id": case.pk})
    gift = {"kind": "cash_grant", "amount": 500_000, "given_on": "2026-04-01"}
    given = client.post(support, gift | {"given_by_other": "UBND xã"}, format="json")
    assert given.status_code == 201
    assert_conforms(schema, f"{PLAN_PATH}support/", "post", given)
    assert_conforms(schema, f"{PLAN_PATH}support/", "post", client.post(support, gift))
    reviews = reverse("api:case_livelihood_review", kwargs={"case_id": case.pk})
    reviewed = client.post(reviews, {"reviewed_on": "2026-06-01"}, format="json")
    assert reviewed.status_code == 201
    assert_conforms(schema, f"{PLAN_PATH}reviews/", "post", reviewed)
    assert_conforms(schema, PLAN_PATH, "get", client.get(_plan(case)))

    body = {"point": "intake", "assessed_on": "2026-03-05", "answers": ANSWERS, "note": "Ổn"}
    made = client.post(_assessments(case), body, format="json")
    assert_conforms(schema, ASSESSMENTS_PATH, "post", made)
    assert_conforms(schema, ASSESSMENTS_PATH, "post", client.post(_assessments(case), body))
    assert_conforms(schema, ASSESSMENTS_PATH, "get", client.get(_assessments(case)))
    assert_conforms(
        schema, f"{ASSESSMENTS_PATH}{{assessment_id}}/", "get", client.get(made.json()["url"])
    )
    outsider = api_client(issue_token(staff.outsider)).get(_assessments(case))
    assert_conforms(schema, ASSESSMENTS_PATH, "get", outsider)


def test_the_savings_answers_conform(schema, staff, savings):
    client = staff.client(Role.SUPERVISOR)
    assert_conforms(
        schema, "/api/v1/savings-groups/", "get", client.get(reverse("api:savings_group_list"))
    )
    assert_conforms(schema, GROUP_PATH, "get", client.get(savings.url("savings_group_detail")))
    member = savings.url("savings_member_detail", member_id=savings.members[0].pk)
    assert_conforms(schema, f"{GROUP_PATH}members/{{member_id}}/", "get", client.get(member))
    assert_conforms(
        schema, f"{GROUP_PATH}cycles/", "get", client.get(savings.url("savings_cycle_list"))
    )
    url = savings.url("savings_meeting_list")
    body = savings.meeting_body()
    body["lines"][0] |= {"loan_amount": 50_000, "loan_months": 2, "loan_purpose": "livestock"}
    body["lines"][1] |= {"fine_reason": "late", "attendance": "late"}
    made = client.post(url, body, format="json")
    assert made.status_code == 201, made.content
    assert_conforms(schema, MEETINGS_PATH, "post", made)
    assert_conforms(schema, MEETINGS_PATH, "post", client.post(url, body, format="json"))
    assert_conforms(schema, MEETINGS_PATH, "post", client.post(url, {"lines": []}, format="json"))
    assert_conforms(schema, MEETINGS_PATH, "get", client.get(url))
    assert_conforms(schema, f"{MEETINGS_PATH}{{meeting_id}}/", "get", client.get(made["Location"]))
    assert_conforms(schema, CYCLE_PATH, "get", client.get(savings.url("savings_cycle_detail")))
    measures = client.get(savings.url("savings_group_measures"))
    assert_conforms(schema, f"{GROUP_PATH}measures/", "get", measures)
    programme = reverse("api:savings_measures")
    assert_conforms(schema, "/api/v1/savings-measures/", "get", client.get(programme))
    donor = staff.client(Role.DONOR_VIEWER).get(programme)
    assert_conforms(schema, "/api/v1/savings-measures/", "get", donor)
    assert_conforms(
        schema,
        GROUP_PATH,
        "get",
        staff.client(Role.DONOR_VIEWER).get(savings.url("savings_group_detail")),
    )


# Queries -----------------------------------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    client.get(url)  # warm up: last_used_at is written once a minute at most
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_lists_make_a_fixed_number_of_queries_however_many_records(staff, savings):
    client = staff.client(Role.SUPERVISOR)
    groups = reverse("api:savings_group_list")
    meetings = savings.url("savings_meeting_list")
    group = savings.url("savings_group_detail")
    cycle = savings.url("savings_cycle_detail")
    measures = reverse("api:savings_measures")

    def meeting(held_on: str, lenders: int) -> None:
        members = GroupMember.objects.filter(group=savings.group).order_by("-number")
        body = savings.meeting_body(held_on=held_on)
        body["lines"] = [{"member": m.pk, "attendance": "present", "shares": 1} for m in members]
        for line in body["lines"][:lenders]:
            line |= {"loan_amount": 10_000, "loan_months": 2, "loan_purpose": "farming"}
        assert client.post(meetings, body, format="json").status_code == 201

    meeting("2026-03-02", lenders=1)
    before = {url: _queries(client, url) for url in (groups, meetings, group, cycle, measures)}
    for name in ("Tổ Hà Thôn", "Tổ Quang Phú", "Tổ Đức Ninh"):
        other = savings_services.group_create(
            actor=SYSTEM,
            organisation=staff.organisation,
            name=name,
            formed_on=datetime.date(2025, 12, 1),
        )
        savings_services.cycle_open(actor=SYSTEM, group=other, **CONSTITUTION)
    for name in ("Võ Thị Cúc", "Đỗ Thị Dung"):
        savings_services.member_add(
            actor=SYSTEM, group=savings.group, full_name=name, joined_on=datetime.date(2025, 12, 1)
        )
    meeting("2026-04-06", lenders=2)  # the two who joined borrow: three loans in all
    after = {url: _queries(client, url) for url in before}
    assert after == before
