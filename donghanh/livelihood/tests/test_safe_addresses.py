"""Safe addresses: the organisation's own, encrypted, every reading audited, never public."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.livelihood.safe_addresses import services
from donghanh.livelihood.safe_addresses.models import SafeAddress, SafePlacement
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people.tests.conftest import make_person
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import OrganisationFactory, UserFactory

from .conftest import refused

pytestmark = pytest.mark.django_db
KEY = "0f7c2b6e-3d1a-4c59-9f2e-8a6b5c4d3e21"


@pytest.fixture
def place(staff) -> SafeAddress:
    return services.safe_address_add(
        actor=Actor.system("test"),
        organisation=staff.organisation,
        name="Nhà bà Tư",
        kind="union_member",
        address="Xóm 2, thôn Hà Thôn, xã Bảo Ninh",
        contact_phone="0912 345 678",
        capacity=2,
        vouched_by="Chủ tịch Hội Phụ nữ xã",
        last_checked_on=datetime.date(2026, 1, 5),
    )


def url(name: str, place: SafeAddress) -> str:
    return reverse(
        f"livelihood:{name}", kwargs={"org": place.organisation.slug, "place_id": place.pk}
    )


def test_what_could_lead_to_the_place_is_encrypted(place):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, address, contact_phone, vouched_by FROM livelihood_safeaddress"
        )
        stored = " ".join(cursor.fetchone())
    assert "Tư" not in stored and "Hà Thôn" not in stored and "0912" not in stored


def test_every_reading_is_audited_and_only_staff_on_cases_read(staff, place):
    listing = reverse("livelihood:safe_addresses", kwargs={"org": place.organisation.slug})
    response = staff.client(Role.COLLABORATOR).get(listing)
    assert "Nhà bà Tư" in response.content.decode()
    assert (
        response["Cache-Control"].find("no-store") >= 0 or "max-age=0" in response["Cache-Control"]
    )
    assert staff.client(Role.CASE_WORKER).get(url("safe_address", place)).status_code == 200
    assert AuditEntry.objects.get(event="safe_address.listed").details == {"count": 1}
    viewed = AuditEntry.objects.get(event="safe_address.viewed")
    assert (viewed.target_id, viewed.summary) == (str(place.pk), "Safe address opened")
    for role in (Role.PROGRAMME_OFFICER, Role.CONTENT_EDITOR, Role.DONOR_VIEWER):
        assert staff.client(role).get(url("safe_address", place)).status_code == 403
    assert staff.client("outsider").get(url("safe_address", place)).status_code == 404
    assert AuditEntry.objects.filter(event="safe_address.viewed").count() == 1


def test_never_public_and_never_in_the_directory(client, place):
    for page in ("/", "/help/", "/search?q=Tư"):
        response = client.get(page, follow=True)
        assert "Nhà bà Tư" not in response.content.decode()
    assert client.get(url("safe_address", place))["Location"].startswith("/app/login/")


def test_a_check_and_an_edit_after_it(staff, place):
    baseline = services.SAFE_ADDRESS_EDITS.fingerprints(place)
    services.safe_address_checked(actor=Actor.system("test"), place=place)
    with pytest.raises(StaleEditError) as conflict:
        services.safe_address_update(
            actor=Actor.system("test"),
            place=place,
            expected_version=1,
            baseline=baseline,
            capacity=4,
        )
    assert conflict.value.changed_fields == ["last_checked_on"]
    client = staff.client(Role.SUPERVISOR)
    form = client.get(url("safe_address", place)).context["form"]
    data = {
        key: value
        for key, value in {**form.initial, "capacity": 4}.items()
        if value not in (None, False)
    }
    data["last_checked_on"] = data["last_checked_on"].isoformat()
    data["is_active"] = "on"
    assert client.post(url("safe_address", place), data).status_code == 302
    place.refresh_from_db()
    assert (place.capacity, place.version) == (4, 3)


def test_an_emergency_placement_respects_the_capacity_and_stays_in_the_organisation(staff, place):

    worker = staff.users[Role.CASE_WORKER]
    actor = Actor.for_user(worker, organisation=staff.organisation)
    cases = [
        make_case(make_person(staff.organisation, worker, full_name=f"Nguyễn Thị {name}"), worker)
        for name in ("An", "Bình", "Chi")
    ]
    day = datetime.date(2026, 3, 10)
    first = services.placement_record(
        actor=actor, case=cases[0], place=place, arrived_on=day, nights=2, idempotency_key=KEY
    )
    # Sent twice: one placement.
    again = services.placement_record(
        actor=actor, case=cases[0], place=place, arrived_on=day, nights=2, idempotency_key=KEY
    )
    assert again.pk == first.pk and first.leaves_on == datetime.date(2026, 3, 12)
    services.placement_record(
        actor=actor, case=cases[1], place=place, arrived_on=day + datetime.timedelta(days=1),
        nights=3,
    )  # fmt: skip
    # The place shelters two: on 11/3 it has An and Bình.
    with refused("full"):
        services.placement_record(actor=actor, case=cases[2], place=place, arrived_on=day, nights=2)
    # From 12/3 An has left: there is room for Chi.
    services.placement_record(
        actor=actor, case=cases[2], place=place, arrived_on=day + datetime.timedelta(days=2),
        nights=1,
    )  # fmt: skip
    assert SafePlacement.objects.filter(place=place).count() == 3
    recorded = AuditEntry.objects.filter(event="safe_address.placement_recorded")
    assert recorded.count() == 3  # the placement sent twice was recorded and audited once
    entry = recorded.order_by("pk").first()
    assert entry is not None and entry.details == {
        "case": cases[0].pk,
        "place": place.pk,
        "nights": 2,
    }
    # Another organisation's case cannot be placed there, nor be told the place exists.
    other = cast(Organisation, OrganisationFactory())
    other_worker = staff.users[Role.CASE_WORKER]
    stranger = make_case(make_person(other, other_worker, full_name="Lê Thị Dung"), other_worker)
    with pytest.raises(ValidationError) as refusal:
        services.placement_record(
            actor=Actor.system("test"), case=stranger, place=place, arrived_on=day, nights=1
        )
    assert "place" in getattr(refusal.value, "error_dict", {})
    assert place.name not in str(refusal.value)


def test_a_placement_through_its_page_and_only_for_who_may_edit_the_case(staff, place):
    worker = staff.users[Role.CASE_WORKER]
    case = make_case(make_person(staff.organisation, worker, full_name="Trần Thị Én"), worker)
    page = reverse(
        "livelihood:placement_add", kwargs={"org": staff.organisation.slug, "case_id": case.pk}
    )
    client = signed_in_client(worker)
    form = client.get(page, HTTP_ACCEPT_LANGUAGE="vi")
    assert form.status_code == 200 and "Nhà bà Tư" in form.content.decode()
    answer = client.post(
        page,
        {
            "place": place.pk,
            "arrived_on": timezone.localdate().strftime("%d/%m/%Y"),
            "nights": 2,
            "idempotency_key": KEY,
        },
    )
    assert answer.status_code == 302
    assert SafePlacement.objects.get(case=case).nights == 2
    # A donor viewer of the organisation may not; anyone outside it is told nothing.
    assert signed_in_client(staff.users[Role.DONOR_VIEWER]).get(page).status_code == 403
    assert signed_in_client(UserFactory()).get(page).status_code == 404


def _case_page_queries(client, page: str) -> tuple[int, str]:
    from django.test.utils import CaptureQueriesContext

    client.get(page)  # the session's bookkeeping
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_the_case_page_lists_her_placements_in_one_query(staff, place):
    worker = staff.users[Role.CASE_WORKER]
    actor = Actor.for_user(worker, organisation=staff.organisation)
    case = make_case(make_person(staff.organisation, worker, full_name="Đinh Thị Gấm"), worker)
    page = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    client = signed_in_client(worker)
    none, text = _case_page_queries(client, page)
    assert "Chưa có lần tạm lánh khẩn cấp nào." in text
    services.placement_record(
        actor=actor, case=case, place=place, arrived_on=datetime.date(2026, 2, 3), nights=2
    )
    one, text = _case_page_queries(client, page)
    assert "Nhà bà Tư" in text and "03/02/2026" in text and "05/02/2026" in text
    other = services.safe_address_add(
        actor=actor,
        organisation=staff.organisation,
        name="Nhà văn hóa thôn Tân Mỹ",
        kind="community",
        address="Thôn Tân Mỹ, xã Bảo Ninh",
        capacity=4,
        vouched_by="Trưởng thôn",
        last_checked_on=datetime.date(2026, 1, 5),
    )
    for day in (datetime.date(2026, 4, 1), datetime.date(2026, 5, 20)):
        services.placement_record(actor=actor, case=case, place=other, arrived_on=day, nights=3)
    many, text = _case_page_queries(client, page)
    assert none == one == many  # no query per placement nor per place
    assert text.count("Nhà văn hóa thôn Tân Mỹ") == 2 and "23/05/2026" in text
    assert text.index("20/05/2026") < text.index("01/04/2026") < text.index("03/02/2026")
    assert url("safe_address", other) in text
    # Reading the case page shows no one else's placement, and no one outside sees the case.
    stranger = make_case(make_person(staff.organisation, worker, full_name="Võ Thị Hạnh"), worker)
    stranger_page = reverse(
        "cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": stranger.pk}
    )
    _count, text = _case_page_queries(client, stranger_page)
    assert "Nhà bà Tư" not in text and "Tân Mỹ" not in text
    assert signed_in_client(UserFactory()).get(page).status_code == 404
