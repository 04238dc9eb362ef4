"""The registry scan, the review queue, merging two records of one person and undoing it.

A merge must lose nothing: every row of every table is still there after it (counted table by
table), each row that was about the merged record is about the survivor, and an undo puts
every row and both records back exactly (each field compared)."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.attachments import services as attachment_services
from donghanh.attachments.models import Attachment
from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.casework import services as casework_services
from donghanh.casework.models import FollowUp, ServiceDelivery
from donghanh.core.actor import Actor
from donghanh.duplicates import services
from donghanh.duplicates.job_kinds import scan_nightly
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge, RegistryScan
from donghanh.duplicates.selectors import NIGHTLY_SCAN_JOB_KIND, SCAN_JOB_KIND
from donghanh.indicators.compute import raw_result
from donghanh.indicators.selectors import facts_agree_with_records
from donghanh.indicators.services import project_facts_rebuild
from donghanh.jobs.models import Job
from donghanh.jobs.registry import get_kind
from donghanh.jobs.services import jobs_queue_nightly
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.people.tests.conftest import Staff, make_person
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import ComputedDefinition, Indicator, IndicatorSource
from donghanh.referrals import services as referral_services
from donghanh.referrals.models import Referral, SharedSection
from donghanh.testing.factories import MembershipFactory
from donghanh.testing.jobs import run_queued_jobs

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + "Quyết định\n%%EOF\n".encode()
DAY = datetime.date(2026, 5, 4)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def supervisor_actor(staff: Staff) -> Actor:
    return Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation)


def registry(staff: Staff) -> dict[str, Person]:
    """Two records of one woman (written differently), a likely pair of two others, and
    people with nothing in common."""
    org, worker = staff.organisation, staff.users[Role.CASE_WORKER]
    return {
        "hoa": make_person(org, worker, full_name="Nguyễn Thị Hoa", phone="0912345678"),
        "hoa2": make_person(
            org, worker, full_name="Nguyen Thi Hoa", phone="0912 345 678", id_number="0792031"
        ),
        "mai": make_person(org, worker, full_name="Lê Thị Mai", date_of_birth=DAY.replace(1990)),
        "mai2": make_person(
            org, worker, full_name="Lê Thị Mai", date_of_birth=datetime.date(1990, 4, 5)
        ),
        "nam": make_person(
            org,
            worker,
            full_name="Trần Văn Nam",
            sex="male",
            date_of_birth=datetime.date(1985, 1, 2),
        ),
        "lan": make_person(
            org, worker, full_name="Phạm Thị Lan", date_of_birth=datetime.date(2003, 8, 30)
        ),
    }


def scan(staff: Staff) -> RegistryScan:
    services.registry_scan_request(actor=supervisor_actor(staff))
    run_queued_jobs()
    return RegistryScan.objects.filter(organisation=staff.organisation).latest("started_at")


def pair_of(a: Person, b: Person) -> CandidatePair:
    low, high = sorted((a.pk, b.pk))
    return CandidatePair.objects.get(person_a_id=low, person_b_id=high)


# --- the scan --------------------------------------------------------------------------------


def test_the_scan_stores_the_likely_pairs_with_each_fields_weight(staff) -> None:
    people = registry(staff)
    done = scan(staff)

    assert done.outcome == RegistryScan.Outcome.SUCCEEDED
    assert done.records == 6
    pair = pair_of(people["hoa"], people["hoa2"])
    assert pair.decision == Decision.OPEN
    assert pair.probability > 0.99
    by_field = {item["field"]: item for item in pair.comparisons}
    assert by_field["phone"]["level"] == "exact" and by_field["phone"]["weight"] > 5
    assert by_field["birth_date"]["level"] == "exact"
    assert pair.cluster is not None and pair.cluster_size == 2
    assert not CandidatePair.objects.filter(person_a=people["nam"]).exists()
    # Start, end and outcome are in the organisation's log, with numbers only.
    events = list(
        AuditEntry.objects.filter(
            organisation=staff.organisation, event__startswith="duplicate_scan"
        )
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == ["duplicate_scan.started", "duplicate_scan.finished"]
    finished = AuditEntry.objects.get(event="duplicate_scan.finished")
    assert finished.details["pairs"] == done.pairs >= 1
    assert "Hoa" not in finished.summary


def test_the_scan_button_sent_twice_queues_one_scan(staff) -> None:
    actor = supervisor_actor(staff)
    first = services.registry_scan_request(actor=actor, idempotency_key="a" * 32)
    again = services.registry_scan_request(actor=actor, idempotency_key="a" * 32)
    other_click = services.registry_scan_request(actor=actor, idempotency_key="b" * 32)
    assert first.pk == again.pk == other_click.pk  # one scan waiting is the answer
    assert Job.objects.filter(kind=SCAN_JOB_KIND).count() == 1


def test_the_scan_runs_every_night_for_every_organisation(staff) -> None:
    assert get_kind(NIGHTLY_SCAN_JOB_KIND).nightly
    assert get_kind(NIGHTLY_SCAN_JOB_KIND).run is scan_nightly
    registry(staff)
    make_person(staff.other_organisation, full_name="Nguyễn Thị Hoa", phone="0912345678")
    three_at_night = timezone.make_aware(datetime.datetime(2026, 12, 7, 3, 0))
    queued = jobs_queue_nightly(actor=Actor.system("tests"), now=three_at_night)
    assert NIGHTLY_SCAN_JOB_KIND in {job.kind for job in queued}
    run_queued_jobs()
    scans = RegistryScan.objects.filter(nightly=True)
    assert {scan.organisation_id for scan in scans} >= {staff.organisation.pk}
    # Never a pair across organisations.
    assert not CandidatePair.objects.exclude(organisation=staff.organisation).exists()


def test_a_failing_scan_stores_nothing_and_says_so(staff, monkeypatch) -> None:
    registry(staff)

    def broken(_persons: Any) -> None:
        raise RuntimeError("matcher broke")

    monkeypatch.setattr("donghanh.duplicates.job_kinds.find_pairs", broken)
    done = scan(staff)
    assert done.outcome == RegistryScan.Outcome.FAILED
    assert not CandidatePair.objects.exists()
    assert AuditEntry.objects.filter(event="duplicate_scan.failed").count() == 1


# --- decisions ---------------------------------------------------------------------------------


def test_not_the_same_person_is_never_asked_again(staff) -> None:
    people = registry(staff)
    scan(staff)
    pair = pair_of(people["hoa"], people["hoa2"])
    services.pair_decide(pair=pair, decision=Decision.NOT_SAME, actor=supervisor_actor(staff))

    scan(staff)
    scan(staff)
    pair.refresh_from_db()
    assert pair.decision == Decision.NOT_SAME
    assert CandidatePair.objects.filter(person_a=pair.person_a, person_b=pair.person_b).count() == 1
    client = staff.client(Role.SUPERVISOR)
    page = client.get(reverse("duplicates:queue", kwargs={"org": staff.organisation.slug}))
    assert page.status_code == 200
    assert "Nguyen Thi Hoa" not in page.content.decode()
    # Nor can it be merged any more.
    with pytest.raises(ValidationError):
        services.person_merge(
            pair=pair, survivor_id=pair.person_a_id, choices={}, actor=supervisor_actor(staff)
        )


def test_later_keeps_the_pair_after_the_others(staff) -> None:
    people = registry(staff)
    scan(staff)
    strong = pair_of(people["hoa"], people["hoa2"])
    services.pair_decide(pair=strong, decision=Decision.LATER, actor=supervisor_actor(staff))
    scan(staff)
    strong.refresh_from_db()
    assert strong.decision == Decision.LATER
    from donghanh.duplicates.selectors import pairs_to_review
    from donghanh.organisations.models import Membership

    membership = Membership.objects.get(user=staff.users[Role.SUPERVISOR])
    listed = list(pairs_to_review(membership))
    assert listed[-1] == strong


# --- merging -------------------------------------------------------------------------------------


def counted_tables() -> dict[str, int]:
    """Rows of every table but the log, the jobs' and the duplicates app's own bookkeeping and
    what is written afresh (name tokens)."""
    skipped = {"audit", "duplicates", "jobs", "django_tasks_database", "sessions", "admin"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in skipped
        and model._meta.label != "people.PersonNameToken"
        and not model._meta.proxy
    }


def rows_about(person: Person) -> dict[str, set[Any]]:
    """The pks of the rows of each relation to Person that point at the person."""
    found: dict[str, set[Any]] = {}
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel):
            continue
        model = cast(type[models.Model], relation.related_model)
        key = f"{model._meta.label}.{relation.field.name}"
        if model._meta.app_label == "duplicates":
            continue
        if model is PersonNameToken:  # written afresh: the same words, not the same rows
            found[key] = set(
                PersonNameToken.objects.filter(person=person).values_list("token_index", flat=True)
            )
            continue
        found[key] = set(
            model._base_manager.filter(**{relation.field.name: person}).values_list("pk", flat=True)
        )
    return found


def stored(person: Person) -> dict[str, Any]:
    """Every column of the person's row, as stored (decrypted)."""
    row = Person.objects.get(pk=person.pk)
    return {field.attname: getattr(row, field.attname) for field in Person._meta.concrete_fields}


@pytest.fixture
def full_records(staff) -> dict[str, Any]:
    """Two records of one woman, each with a case and what hangs on it."""
    people = registry(staff)
    worker = staff.users[Role.CASE_WORKER]
    actor = Actor.for_user(worker)
    records: dict[str, Any] = {"people": people}
    for key in ("hoa", "hoa2"):
        person = people[key]
        case = make_case(person, worker)
        records[f"{key}_case"] = case
        casework_services.service_record(
            case=case,
            domain="health",
            provider=None,
            provider_name="Trạm y tế",
            delivered_on=DAY,
            cost_vnd=150000,
            regime="",
            note="",
            actor=actor,
        )
        casework_services.follow_up_plan(case=case, planned_on=DAY, method="phone", actor=actor)
        attachment_services.attachment_add(case=case, name="qd.pdf", content=PDF, actor=actor)
        people_services.guardian_add(
            person=person,
            full_name="Nguyễn Văn Bình",
            relation=Guardian.Relation.FATHER,
            actor=actor,
        )
        people_services.consent_record(
            person=person,
            purpose=Consent.Purpose.SHARING,
            method=Consent.Method.WRITTEN,
            given_by=Consent.GivenBy.PERSON,
            given_on=timezone.localdate() - datetime.timedelta(days=2),
            recipient_organisation=staff.other_organisation,
            actor=actor,
        )
        referral_services.referral_send(
            case=case,
            to_organisation=staff.other_organisation,
            domain="health",
            shared_sections=[SharedSection.IDENTITY],
            actor=actor,
        )
    # Another organisation registered her again: the holder got a notice about the second one.
    registrant: Any = MembershipFactory(
        organisation=staff.other_organisation, role=Role.CASE_WORKER
    )
    people_services.person_register_once(
        actor=Actor.for_user(registrant.user, organisation=staff.other_organisation),
        membership=registrant,
        full_name="Hoa Nguyễn",
        sex="female",
        id_number="0792031",
    )
    scan(staff)
    return records


def test_a_merge_loses_nothing_and_its_undo_restores_both_records_exactly(
    staff, full_records
) -> None:
    people = full_records["people"]
    keep, away = people["hoa"], people["hoa2"]
    tables_before = counted_tables()
    about_keep, about_away = rows_about(keep), rows_about(away)
    assert about_away["cases.Case.person"] and about_away["people.DuplicateNotice.person"]
    keep_before, away_before = stored(keep), stored(away)
    pair = pair_of(keep, away)

    merge = services.person_merge(
        pair=pair,
        survivor_id=keep.pk,
        choices={"id_number": services.MERGED},
        actor=supervisor_actor(staff),
    )

    # Nothing lost: every table holds as many rows; everything about the merged record is now
    # about the survivor (name tokens and the figures' facts are written afresh).
    assert counted_tables() == tables_before
    after_keep, after_away = rows_about(keep), rows_about(away)
    for key, pks in about_away.items():
        if key in (
            "people.PersonNameToken.person",
            "indicators.UnitFact.person",
            "people.Person.merged_into",
        ):
            continue
        assert after_keep[key] == about_keep[key] | pks, key
        assert not after_away[key], key
    assert Case.objects.filter(person=keep).count() == 2
    survivor = Person.objects.get(pk=keep.pk)
    assert survivor.id_number == "0792031"  # the value chosen from the other record
    assert survivor.full_name == "Nguyễn Thị Hoa"
    assert survivor.version == keep_before["version"] + 1
    merged = Person.objects.get(pk=away.pk)
    assert merged.merged_into_id == keep.pk
    assert merged.phone_index == merged.name_dob_index == ""
    pair.refresh_from_db()
    assert pair.decision == Decision.MERGED
    entry = AuditEntry.objects.get(event="person.merged")
    assert entry.details["survivor"] == keep.pk and entry.details["merged"] == away.pk
    # Her case, guardian, consent and the other organisation's notice moved; the case's
    # services, follow-ups, files and referrals with it.
    assert entry.details["moved"] == merge.moved_count == 4
    assert ServiceDelivery.objects.filter(case__person=keep).count() == 2
    assert FollowUp.objects.filter(case__person=keep).count() == 2
    assert Attachment.objects.filter(case__person=keep).count() == 2
    assert Referral.objects.filter(case__person=keep).count() == 2
    # Sent twice, merged once.
    again = services.person_merge(
        pair=pair, survivor_id=keep.pk, choices={}, actor=supervisor_actor(staff)
    )
    assert again.pk == merge.pk

    services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))

    assert counted_tables() == tables_before
    assert rows_about(keep) == about_keep
    assert rows_about(away) == about_away
    assert stored(keep) == keep_before
    assert stored(away) == away_before
    pair.refresh_from_db()
    assert pair.decision == Decision.OPEN
    assert AuditEntry.objects.filter(event="person.merge_undone").count() == 1
    # Undone twice, undone once.
    services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))
    assert AuditEntry.objects.filter(event="person.merge_undone").count() == 1


def test_the_merged_records_page_and_api_id_lead_to_the_survivor(staff) -> None:
    people = registry(staff)
    scan(staff)
    keep, away = people["hoa"], people["hoa2"]
    services.person_merge(
        pair=pair_of(keep, away), survivor_id=keep.pk, choices={}, actor=supervisor_actor(staff)
    )
    client = staff.client(Role.SUPERVISOR)
    org = staff.organisation.slug
    page = client.get(reverse("people:person_detail", kwargs={"org": org, "person_id": away.pk}))
    assert page.status_code == 302
    assert page["Location"] == reverse(
        "people:person_detail", kwargs={"org": org, "person_id": keep.pk}
    )
    api_user = api_client(issue_token(staff.users[Role.SUPERVISOR]))
    api = api_user.get(reverse("api:person_detail", kwargs={"person_id": away.pk}))
    assert api.status_code == 302
    assert api["Location"] == reverse("api:person_detail", kwargs={"person_id": keep.pk})
    # Not for an outsider: 404, as for any record they may not open.
    outsider = staff.client("outsider")
    assert (
        outsider.get(
            reverse("people:person_detail", kwargs={"org": org, "person_id": away.pk})
        ).status_code
        == 404
    )
    api_outsider = api_client(issue_token(staff.outsider))
    assert (
        api_outsider.get(reverse("api:person_detail", kwargs={"person_id": away.pk})).status_code
        == 404
    )
    # The people list shows one record; a search finds the survivor only.
    listed = client.get(reverse("people:person_list", kwargs={"org": org}), {"q": "Hoa"})
    assert listed.status_code == 200
    assert "Nguyen Thi Hoa" not in listed.content.decode()
    assert "Nguyễn Thị Hoa" in listed.content.decode()


def test_the_figures_count_the_person_once_at_once_and_twice_after_an_undo(
    staff, full_records
) -> None:
    people = full_records["people"]
    project = Project.objects.create(
        implementing_organisation=staff.organisation,
        code="P1",
        name="Dự án P1",
        start_on=datetime.date(2026, 1, 1),
        end_on=datetime.date(2026, 12, 31),
    )
    worker = staff.users[Role.CASE_WORKER]
    for key in ("hoa", "hoa2"):
        casework_services.service_record(
            case=full_records[f"{key}_case"],
            domain="legal",
            provider=None,
            provider_name="Trợ giúp pháp lý",
            delivered_on=DAY,
            cost_vnd=0,
            regime="",
            note="",
            project=project,
            actor=Actor.for_user(worker),
        )
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    served = Indicator.objects.create(
        project=project,
        code="2.1",
        name="Người được hỗ trợ",
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.PERSONS_SERVED,
    )
    assert raw_result(served).total == 2

    merge = services.person_merge(
        pair=pair_of(people["hoa"], people["hoa2"]),
        survivor_id=people["hoa"].pk,
        choices={},
        actor=supervisor_actor(staff),
    )
    assert raw_result(served).total == 1
    assert facts_agree_with_records(project) == []

    services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))
    assert raw_result(served).total == 2
    assert facts_agree_with_records(project) == []


# --- refusals ------------------------------------------------------------------------------------


def test_a_person_with_a_restricted_case_is_not_merged(staff) -> None:
    people = registry(staff)
    scan(staff)
    case = make_case(people["hoa2"], staff.users[Role.CASE_WORKER])
    Case.objects.filter(pk=case.pk).update(is_restricted=True)
    before = counted_tables()
    with pytest.raises(ValidationError) as refused:
        services.person_merge(
            pair=pair_of(people["hoa"], people["hoa2"]),
            survivor_id=people["hoa"].pk,
            choices={},
            actor=supervisor_actor(staff),
        )
    assert refused.value.code == "restricted_case"
    assert counted_tables() == before
    assert not PersonMerge.objects.exists()


def test_records_of_two_organisations_are_not_merged(staff) -> None:
    mine = make_person(staff.organisation, full_name="Nguyễn Thị Hoa")
    theirs = make_person(staff.other_organisation, full_name="Nguyễn Thị Hoa")
    low, high = sorted((mine, theirs), key=lambda person: person.pk)
    pair = CandidatePair.objects.create(
        organisation=staff.organisation,
        person_a=low,
        person_b=high,
        weight=30,
        probability=1,
        found_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        services.person_merge(
            pair=pair, survivor_id=mine.pk, choices={}, actor=supervisor_actor(staff)
        )
    assert refused.value.code == "other_organisation"
    assert Person.objects.get(pk=theirs.pk).merged_into_id is None


def test_the_refusals_read_in_vietnamese(staff) -> None:
    people = registry(staff)
    scan(staff)
    case = make_case(people["hoa2"], staff.users[Role.CASE_WORKER])
    Case.objects.filter(pk=case.pk).update(is_restricted=True)
    pair = pair_of(people["hoa"], people["hoa2"])
    client = staff.client(Role.SUPERVISOR)
    url = reverse(
        "duplicates:pair_detail", kwargs={"org": staff.organisation.slug, "pair_id": pair.pk}
    )
    # The supervisor does not see the restricted case's person: the pair is not there for her.
    assert client.get(url).status_code == 404
    named = staff.users[Role.CASE_WORKER]
    Case.objects.get(pk=case.pk).restrictions.create(
        user=staff.users[Role.SUPERVISOR], added_by=named
    )
    answer = client.post(
        url,
        {
            "keep": "a",
            "version_a": people["hoa"].version,
            "version_b": people["hoa2"].version,
            **{f"field_{name}": "a" for name in services.CHOSEN_FIELDS},
        },
    )
    assert answer.status_code == 400
    assert "trường hợp bị giới hạn" in answer.content.decode()


def test_not_the_same_person_follows_the_merged_record_to_the_survivor(staff) -> None:
    people = registry(staff)
    scan(staff)
    keep, away, stranger = people["hoa"], people["hoa2"], people["nam"]
    low, high = sorted((away.pk, stranger.pk))
    CandidatePair.objects.create(
        organisation=staff.organisation,
        person_a_id=low,
        person_b_id=high,
        weight=5,
        probability=0.97,
        found_at=timezone.now(),
        decision=Decision.NOT_SAME,
    )
    merge = services.person_merge(
        pair=pair_of(keep, away), survivor_id=keep.pk, choices={}, actor=supervisor_actor(staff)
    )
    assert pair_of(keep, stranger).decision == Decision.NOT_SAME
    services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))
    assert not CandidatePair.objects.filter(
        person_a_id=min(keep.pk, stranger.pk), person_b_id=max(keep.pk, stranger.pk)
    ).exists()


def test_an_undo_after_thirty_days_or_after_a_change_is_refused(staff) -> None:
    people = registry(staff)
    scan(staff)
    merge = services.person_merge(
        pair=pair_of(people["hoa"], people["hoa2"]),
        survivor_id=people["hoa"].pk,
        choices={},
        actor=supervisor_actor(staff),
    )
    survivor = Person.objects.get(pk=people["hoa"].pk)
    people_services.person_fields_replace(
        person=survivor, values={"phone": "0987654321"}, actor=supervisor_actor(staff)
    )
    with pytest.raises(ValidationError) as refused:
        services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))
    assert refused.value.code == "changed_since"
    PersonMerge.objects.filter(pk=merge.pk).update(
        merged_at=timezone.now() - datetime.timedelta(days=31)
    )
    merge.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.person_merge_undo(merge=merge, actor=supervisor_actor(staff))
    assert refused.value.code == "too_late"
