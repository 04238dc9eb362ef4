"""The record kept by a merge tells which record was merged into it and when, on its page and
on its cases' pages, with a link to the merge (where it can be undone) for its reviewers."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.duplicates import services
from donghanh.duplicates.models import CandidatePair
from donghanh.organisations.roles import Role
from donghanh.people.tests.conftest import Staff, make_person


def _merged(staff: Staff):
    worker = staff.users[Role.CASE_WORKER]
    a = make_person(staff.organisation, worker, full_name="Nguyễn Thị Hoa", phone="0912345678")
    b = make_person(staff.organisation, worker, full_name="Nguyen Thi Hoa", phone="0912345678")
    pair = CandidatePair.objects.create(
        organisation=staff.organisation,
        person_a=a,
        person_b=b,
        weight=30.0,
        probability=0.999,
        comparisons=[],
        found_at=timezone.now(),
    )
    actor = Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation)
    return services.person_merge(pair=pair, survivor_id=a.pk, choices={}, actor=actor)


def test_the_kept_record_and_its_case_say_what_was_merged_into_them(staff: Staff) -> None:
    merge = _merged(staff)
    case = make_case(merge.survivor, staff.users[Role.CASE_WORKER])
    org = staff.organisation.slug
    person_page = reverse(
        "people:person_detail", kwargs={"org": org, "person_id": merge.survivor_id}
    )
    case_page = reverse("cases:case_detail", kwargs={"org": org, "case_id": case.pk})
    merge_page = reverse("duplicates:merge_detail", kwargs={"org": org, "merge_id": merge.pk})
    day = date_format(timezone.localtime(merge.merged_at), "SHORT_DATE_FORMAT")

    for page in (person_page, case_page):
        body = staff.client(Role.SUPERVISOR).get(page).content.decode()
        assert f"#{merge.merged_id}" in body and day in body
        assert merge_page in body

    # A case worker reads the note; the merge's page is for those who may see merges.
    body = staff.client(Role.CASE_WORKER).get(person_page).content.decode()
    assert f"#{merge.merged_id}" in body
    assert merge_page not in body


def test_an_undone_merge_leaves_no_note(staff: Staff) -> None:
    merge = _merged(staff)
    actor = Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation)
    services.person_merge_undo(merge=merge, actor=actor)
    page = reverse(
        "people:person_detail",
        kwargs={"org": staff.organisation.slug, "person_id": merge.survivor_id},
    )
    body = staff.client(Role.SUPERVISOR).get(page).content.decode()
    assert f"#{merge.merged_id} " not in body
    assert "merged-from" not in body
