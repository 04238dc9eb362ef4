"""The duplicates review through the API: what the queue lists, the decisions, a merge sent
twice, the undo, the scan asked for twice, the merged-away record's address, and the refusals
in Vietnamese. (Who may call what: test_permission_matrix_duplicates.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.api.tests.conftest import make_person
from donghanh.api.tests.test_permission_matrix_duplicates import make_pair
from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge
from donghanh.jobs.models import Job
from donghanh.organisations.roles import Role
from donghanh.people.models import Person

PAIRS = "/api/v1/duplicates/pairs/"


def _in_vietnamese(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


@pytest.fixture
def pair(staff) -> CandidatePair:
    return make_pair(staff.organisation, staff.users[Role.CASE_WORKER])


def _another_pair(staff, weight: float, name: str) -> CandidatePair:
    worker = staff.users[Role.CASE_WORKER]
    a = make_person(staff.organisation, worker, full_name=name)
    b = make_person(staff.organisation, worker, full_name=name)
    return CandidatePair.objects.create(
        organisation=staff.organisation,
        person_a=a,
        person_b=b,
        weight=weight,
        probability=0.9,
        comparisons=[{"field": "family_name", "level": "exact", "weight": 5.0}],
        found_at=timezone.now(),
    )


def test_the_queue_lists_strongest_first_postponed_last_with_each_fields_weight(staff, pair):
    weaker = _another_pair(staff, 12.0, "Trần Văn Minh")
    postponed = _another_pair(staff, 40.0, "Lê Thị Lan")
    CandidatePair.objects.filter(pk=postponed.pk).update(decision=Decision.LATER)
    client = _in_vietnamese(staff.client(Role.SUPERVISOR))

    answer = client.get(PAIRS).json()

    assert [item["id"] for item in answer["results"]] == [pair.pk, weaker.pk, postponed.pk]
    first = answer["results"][0]
    assert [item["field"] for item in first["comparisons"]] == ["phone", "given_name", "place"]
    assert first["comparisons"][0]["label"] == "Số điện thoại"
    assert first["comparisons"][0]["agrees"] is True and first["comparisons"][0]["weight"] == 19
    assert first["person_a"]["full_name"] == "Nguyễn Thị Hoa"
    assert client.get(PAIRS, {"decision": "later"}).json()["count"] == 1
    assert AuditEntry.objects.filter(event="duplicate_pair.listed").count() == 2


def test_a_pair_with_a_record_the_caller_may_not_open_is_not_listed_nor_found(staff, pair):
    case = make_case(pair.person_b, staff.users[Role.CASE_WORKER])
    Case.objects.filter(pk=case.pk).update(is_restricted=True)
    client = staff.client(Role.SUPERVISOR)

    assert client.get(PAIRS).json()["count"] == 0
    assert client.get(f"{PAIRS}{pair.pk}/").status_code == 404
    merge = client.post(f"{PAIRS}{pair.pk}/merge/", {"survivor": pair.person_a_id}, format="json")
    assert merge.status_code == 404
    assert Person.objects.get(pk=pair.person_b_id).merged_into_id is None


def test_a_pair_reads_side_by_side_and_is_audited(staff, pair):
    answer = staff.client(Role.ORG_ADMIN).get(f"{PAIRS}{pair.pk}/").json()
    rows = {row["field"]: row for row in answer["side_by_side"]}
    assert rows["full_name"]["differs"] is True
    assert rows["phone"]["differs"] is False
    assert answer["can_decide"] is False  # an administrator reviews, a supervisor decides
    assert AuditEntry.objects.filter(event="duplicate_pair.viewed").count() == 1


def test_a_merge_sent_twice_merges_once_and_the_old_id_leads_to_the_survivor(staff, pair):
    client = staff.client(Role.SUPERVISOR)
    body = {"survivor": pair.person_b_id, "choices": {"full_name": "merged"}}
    first = client.post(f"{PAIRS}{pair.pk}/merge/", body, format="json")
    again = client.post(f"{PAIRS}{pair.pk}/merge/", body, format="json")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] == PersonMerge.objects.get().pk
    assert Person.objects.get(pk=pair.person_b_id).full_name == "Nguyễn Thị Hoa"
    old = client.get(reverse("api:person_detail", kwargs={"person_id": pair.person_a_id}))
    assert old.status_code == 302
    assert old["Location"] == reverse("api:person_detail", kwargs={"person_id": pair.person_b_id})


def test_a_merge_with_the_same_key_after_an_undo_merges_nothing_more(staff, pair):
    client = staff.client(Role.SUPERVISOR)
    headers = {"HTTP_IDEMPOTENCY_KEY": "merge-key-0123456789"}
    body = {"survivor": pair.person_a_id}
    merged = client.post(f"{PAIRS}{pair.pk}/merge/", body, format="json", **headers).json()
    undo = client.post(f"{merged['url']}undo/")
    again_undo = client.post(f"{merged['url']}undo/")
    assert undo.status_code == again_undo.status_code == 200
    assert undo.json()["undone_at"] == again_undo.json()["undone_at"]

    again = client.post(f"{PAIRS}{pair.pk}/merge/", body, format="json", **headers)

    assert again.json()["id"] == merged["id"]
    assert PersonMerge.objects.count() == 1
    assert Person.objects.get(pk=pair.person_b_id).merged_into_id is None


def test_decisions_and_stale_versions(staff, pair):
    client = _in_vietnamese(staff.client(Role.SUPERVISOR))
    url = f"{PAIRS}{pair.pk}/decision/"
    later = client.post(url, {"decision": "later", "version": 1}, format="json")
    assert later.status_code == 200 and later.json()["decision"] == "later"
    stale = client.post(url, {"decision": "not_same", "version": 1}, format="json")
    assert stale.status_code == 400
    assert "Đã có người quyết định" in stale.content.decode()
    done = client.post(url, {"decision": "not_same", "version": 2}, format="json")
    assert done.json()["decision"] == "not_same"
    refused = client.post(f"{PAIRS}{pair.pk}/merge/", {"survivor": pair.person_a_id}, format="json")
    assert refused.status_code == 400
    assert "không phải cùng một người" in refused.content.decode()
    assert PersonMerge.objects.count() == 0


def test_a_scan_asked_twice_queues_one_job_to_follow(staff):
    client = staff.client(Role.SUPERVISOR)
    body = {"organisation": staff.organisation.slug}
    first = client.post("/api/v1/duplicates/scans/", body, format="json")
    again = client.post("/api/v1/duplicates/scans/", body, format="json")

    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert Job.objects.count() == 1
    followed = client.get(first.json()["url"])
    assert followed.status_code == 200 and followed.json()["status"] == "queued"
    assert followed.json()["scan"] is None
    # Another reviewer of the organisation follows it too; an outsider does not find it.
    assert staff.client(Role.ORG_ADMIN).get(first.json()["url"]).status_code == 200
    assert staff.client("outsider").get(first.json()["url"]).status_code == 404


def test_an_old_merge_is_not_undone(staff, pair):
    client = _in_vietnamese(staff.client(Role.SUPERVISOR))
    merged = client.post(f"{PAIRS}{pair.pk}/merge/", {"survivor": pair.person_a_id}, format="json")
    PersonMerge.objects.update(merged_at=timezone.now() - datetime.timedelta(days=31))

    refused = client.post(f"{merged.json()['url']}undo/")

    assert refused.status_code == 400
    assert "30 ngày" in refused.content.decode()
    assert PersonMerge.objects.get().undone_at is None
