from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.directory.models import Language, Provider
from donghanh.directory.services import ContactInput
from donghanh.directory.tests.conftest import office_hours
from donghanh.organisations.roles import Role
from donghanh.places.models import Commune, Province
from donghanh.reference.domains import ServiceDomain
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

LIST = reverse("directory:list")
CREATE = reverse("directory:create")


def detail_url(provider):
    return reverse("directory:detail", kwargs={"provider_id": provider.pk})


def edit_url(provider):
    return reverse("directory:edit", kwargs={"provider_id": provider.pk})


def verify_url(provider):
    return reverse("directory:verify", kwargs={"provider_id": provider.pk})


@pytest.fixture
def own(trio, make_provider):
    """A provider that belongs to the trio's organisation."""
    return make_provider("Nhà tạm lánh của tổ chức", organisation=trio.organisation)


@pytest.fixture
def unlinked(make_provider):
    return make_provider("Tổng đài 111", kind=Provider.Kind.HOTLINE, open_24_7=True)


@pytest.fixture
def viewer_client(trio):
    """A case worker: sees the directory, may not edit it."""
    return signed_in_client(
        MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    )


def form_data(**overrides) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Trung tâm Hỗ trợ",
        "name_en": "",
        "kind": Provider.Kind.SOCIAL_WORK_CENTRE,
        "organisation": "",
        "description": "",
        "description_en": "",
        "services": [ServiceDomain.PSYCHOLOGICAL, ServiceDomain.LEGAL],
        "eligibility": "",
        "cost": Provider.Cost.FREE,
        "cost_note": "",
        "provinces": ["44"],
        "communes": "xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh",
        "countries": [],
        "languages": ["vi"],
        "time_zone": "Asia/Ho_Chi_Minh",
        "hours_note": "",
        "is_active": "on",
        "source": "",
        "contacts-TOTAL_FORMS": "3",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "contacts-0-kind": "phone",
        "contacts-0-value": "0239 123 456",
        "contacts-0-label": "",
        "contacts-1-kind": "zalo",
        "contacts-1-value": "0912 345 678",
        "contacts-1-label": "",
        "contacts-2-kind": "phone",
        "contacts-2-value": "",
        "contacts-2-label": "",
        "hours-TOTAL_FORMS": "2",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "hours-0-days": ["0", "1", "2", "3", "4"],
        "hours-0-opens": "08:00",
        "hours-0-closes": "17:00",
        "hours-1-opens": "",
        "hours-1-closes": "",
    }
    data.update(overrides)
    return data


# Permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "create"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(f"directory:{url_name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_staff_role_with_the_directory_sees_list_and_page(trio, viewer_client, own):
    for staff in (trio.owner_client, trio.outsider_client, viewer_client):
        assert staff.get(LIST).status_code == 200
        assert staff.get(detail_url(own)).status_code == 200


def test_a_donor_viewer_gets_403(trio, own):
    for url in (LIST, CREATE, detail_url(own), edit_url(own)):
        assert trio.colleague_client.get(url).status_code == 403
    assert trio.colleague_client.post(verify_url(own)).status_code == 403


def test_a_missing_provider_is_404(trio):
    assert trio.owner_client.get("/app/directory/999999/").status_code == 404
    assert trio.owner_client.get("/app/directory/999999/edit/").status_code == 404


def test_viewers_may_not_add_edit_or_verify(viewer_client, own):
    assert viewer_client.get(CREATE).status_code == 403
    assert viewer_client.post(CREATE, form_data()).status_code == 403
    assert viewer_client.get(edit_url(own)).status_code == 403
    assert viewer_client.post(verify_url(own)).status_code == 403
    assert not Provider.objects.filter(name="Trung tâm Hỗ trợ").exists()


def test_editors_edit_their_organisations_and_unlinked_providers(trio, own, unlinked):
    assert trio.owner_client.get(edit_url(own)).status_code == 200
    assert trio.owner_client.get(edit_url(unlinked)).status_code == 200
    # An editor of another organisation sees the provider but may not change it.
    assert trio.outsider_client.get(edit_url(own)).status_code == 403
    assert trio.outsider_client.post(verify_url(own)).status_code == 403
    assert trio.outsider_client.get(edit_url(unlinked)).status_code == 200


def test_editors_edit_the_providers_of_their_organisations_units(trio, make_provider):
    unit = OrganisationFactory(parent=trio.organisation)
    of_unit = make_provider("Đơn vị trực thuộc", organisation=unit)
    assert trio.owner_client.get(edit_url(of_unit)).status_code == 200
    assert trio.outsider_client.get(edit_url(of_unit)).status_code == 403


def test_the_detail_page_offers_editing_only_to_those_who_may(trio, own):
    assert edit_url(own) in trio.owner_client.get(detail_url(own)).content.decode()
    assert edit_url(own) not in trio.outsider_client.get(detail_url(own)).content.decode()


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("post", "list"),
        ("put", "list"),
        ("post", "detail"),
        ("delete", "detail"),
        ("get", "verify"),
        ("put", "edit"),
        ("delete", "create"),
    ],
)
def test_wrong_method_gets_405(trio, unlinked, method, url_name):
    kwargs = {"provider_id": unlinked.pk} if url_name in ("detail", "verify", "edit") else {}
    response = getattr(trio.owner_client, method)(reverse(f"directory:{url_name}", kwargs=kwargs))
    assert response.status_code == 405


# Searching ---------------------------------------------------------------------------------------


def test_the_list_searches_without_diacritics_and_by_old_place_names(trio, make_provider):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER)
    make_provider("Phục vụ Quảng Trị", provinces=[Province.objects.get(code="44")])

    def shown(**query):
        response = trio.owner_client.get(LIST, query)
        return [p.name for p in response.context["providers"]], response

    found, response = shown(q="nha binh yen")
    assert found == ["Ngôi nhà Bình yên"]
    assert detail_url(Provider.objects.get(name="Ngôi nhà Bình yên")) in response.content.decode()

    found, response = shown(place="Quảng Bình")
    assert found == ["Phục vụ Quảng Trị"]
    assert response.context["resolution"].province.code == "44"


def test_the_list_filters_by_domain_language_and_open_now(trio, make_provider):
    make_provider("Pháp lý", services=[ServiceDomain.LEGAL], languages=[Language.VIETNAMESE])
    make_provider("Tiếng Anh 24/7", languages=[Language.ENGLISH], open_24_7=True)

    def shown(**query):
        return [p.name for p in trio.owner_client.get(LIST, query).context["providers"]]

    assert shown(domain="legal") == ["Pháp lý"]
    assert shown(language="en") == ["Tiếng Anh 24/7"]
    assert shown(open_now="on") == ["Tiếng Anh 24/7"]
    assert shown() == ["Pháp lý", "Tiếng Anh 24/7"]


def test_an_unknown_place_is_pointed_out_and_shows_nothing(trio, unlinked):
    response = trio.owner_client.get(LIST, {"place": "Narnia"})
    assert response.context["form"].errors["place"]
    assert response.context["providers"] == []


def test_the_list_is_paginated(trio, make_provider):
    for number in range(23):
        make_provider(f"Nơi {number:02d}")
    first = trio.owner_client.get(LIST)
    second = trio.owner_client.get(LIST, {"page": 2})
    assert len(first.context["providers"]) == 20
    assert [p.name for p in second.context["providers"]] == ["Nơi 20", "Nơi 21", "Nơi 22"]


# Pages -----------------------------------------------------------------------------------------


def test_the_provider_page_has_tap_to_call_and_zalo_links(trio, make_provider):
    provider = make_provider(
        "Tổng đài",
        contacts=[
            ContactInput("phone", "+84 981 84 84 84"),
            ContactInput("zalo", "0981 848 484"),
            ContactInput("zalo", "Tổng đài 111"),
            ContactInput("website", "https://tongdai111.vn"),
            ContactInput("email", "hotro@example.org"),
        ],
    )
    page = trio.owner_client.get(detail_url(provider)).content.decode()

    assert 'href="tel:+84981848484"' in page
    assert 'href="https://zalo.me/0981848484"' in page
    assert "Tổng đài 111" in page  # a Zalo account to search for, without a link
    assert 'href="https://tongdai111.vn"' in page
    assert 'href="mailto:hotro@example.org"' in page


def test_the_list_has_tap_to_call_links(trio, make_provider):
    make_provider("Tổng đài", contacts=[ContactInput("phone", "111")])
    assert 'href="tel:111"' in trio.owner_client.get(LIST).content.decode()


def test_examples_are_labelled_everywhere(trio, make_provider):
    example = make_provider("Ví dụ – Bệnh viện", is_example=True)
    badge = 'class="badge warn"'
    assert badge in trio.owner_client.get(LIST).content.decode()
    assert badge in trio.owner_client.get(detail_url(example)).content.decode()
    assert badge in trio.owner_client.get(edit_url(example)).content.decode()


def test_the_provider_page_shows_hours_and_verification(trio, make_provider):
    provider = make_provider("Văn phòng", hours=office_hours())
    page = trio.owner_client.get(detail_url(provider), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "08:00–17:00" in page
    assert 'scope="row"' in page


# Adding, editing, verifying ----------------------------------------------------------------------


def test_adding_a_provider(trio):
    response = trio.owner_client.post(
        CREATE, form_data(organisation=str(trio.organisation.pk), mark_verified="on")
    )

    provider = Provider.objects.get(name="Trung tâm Hỗ trợ")
    assert response.status_code == 302
    assert response["Location"] == detail_url(provider)
    assert provider.organisation == trio.organisation
    assert sorted(provider.services.values_list("domain", flat=True)) == ["legal", "psychological"]
    assert list(provider.provinces.values_list("code", flat=True)) == ["44"]
    # The old address is today's Xã Đan Hải.
    assert list(provider.communes.values_list("code", flat=True)) == ["18364"]
    assert list(provider.contacts.values_list("kind", "value")) == [
        ("phone", "0239 123 456"),
        ("zalo", "0912 345 678"),
    ]
    assert provider.opening_hours.count() == 5
    assert provider.last_verified_on == timezone.localdate()
    assert provider.verified_by == trio.owner
    actions = list(
        AuditEntry.objects.filter(target_id=str(provider.pk), target_type="directory.provider")
        .order_by("id")
        .values_list("action", "actor_username", "organisation_id")
    )
    assert actions == [
        (AuditAction.CREATE, trio.owner.username, trio.organisation.pk),
        (AuditAction.UPDATE, trio.owner.username, trio.organisation.pk),
    ]


def test_adding_shows_errors_in_vietnamese_and_saves_nothing(trio):
    response = trio.owner_client.post(
        CREATE,
        form_data(
            name="",
            communes="xã Không Có, Hà Tĩnh",
            **{"hours-1-opens": "25:00", "hours-1-closes": "17:00"},
        ),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["form"].errors["communes"]
    assert response.context["hours"].errors[1]
    assert not Provider.objects.exists()


def test_the_obsolete_child_line_cannot_be_added(trio):
    response = trio.owner_client.post(
        CREATE, form_data(**{"contacts-2-value": "1800 1567", "description": "gọi 1800 1567"})
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["description"] and form.non_field_errors()
    assert not Provider.objects.exists()


def test_an_editor_may_not_link_a_provider_to_someone_elses_organisation(trio):
    response = trio.outsider_client.post(CREATE, form_data(organisation=str(trio.organisation.pk)))
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Provider.objects.exists()


def _edit_data(client, provider, **overrides) -> dict[str, Any]:
    """The edit form as the page fills it, with `overrides`."""
    response = client.get(edit_url(provider))
    form, contacts, hours = (response.context[name] for name in ("form", "contacts", "hours"))
    data: dict[str, Any] = {}
    for name, value in form.initial.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for prefix, formset in (("contacts", contacts), ("hours", hours)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(formset.initial or [])),
                f"{prefix}-INITIAL_FORMS": str(len(formset.initial or [])),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(formset.initial or []):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = (
                    value.strftime("%H:%M") if hasattr(value, "strftime") else value
                )
    data.update(overrides)
    return data


def test_editing_a_provider(trio, make_provider):
    provider = make_provider(
        "Tên cũ",
        organisation=trio.organisation,
        hours=office_hours(),
        contacts=[ContactInput("phone", "111")],
        communes=[Commune.objects.get(code="18364")],
    )
    data = _edit_data(trio.owner_client, provider, name="Tên mới")

    response = trio.owner_client.post(edit_url(provider), data)

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Tên mới" and provider.version == 2
    # Everything the form showed came back unchanged.
    assert provider.opening_hours.count() == 5
    assert list(provider.contacts.values_list("value", flat=True)) == ["111"]
    assert list(provider.communes.values_list("code", flat=True)) == ["18364"]
    row = AuditEntry.objects.filter(target_id=str(provider.pk)).latest("id")
    assert row.action == AuditAction.UPDATE and row.changed_fields == ["name"]
    assert row.organisation_id == trio.organisation.pk


def test_an_edit_made_on_an_old_version_is_refused(trio, make_provider):
    provider = make_provider("Tên cũ", organisation=trio.organisation)
    stale = _edit_data(trio.owner_client, provider, name="Tên của tôi")
    trio.owner_client.post(edit_url(provider), _edit_data(trio.owner_client, provider, name="X"))

    response = trio.owner_client.post(edit_url(provider), stale)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    provider.refresh_from_db()
    assert provider.name == "X"


def test_marking_verified_from_the_page(trio, own):
    response = trio.owner_client.post(verify_url(own))

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.last_verified_on == timezone.localdate() and own.verified_by == trio.owner
    row = AuditEntry.objects.filter(target_id=str(own.pk)).latest("id")
    assert row.summary.startswith("directory provider marked verified")
    assert row.actor_id == trio.owner.pk


# Query counts ----------------------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def _rich_provider(make_provider, trio, number):
    return make_provider(
        f"Nơi {number:02d}",
        organisation=trio.organisation,
        services=[ServiceDomain.HEALTH, ServiceDomain.LEGAL],
        provinces=[Province.objects.get(code="42")],
        communes=[Commune.objects.get(code="18364")],
        languages=[Language.VIETNAMESE],
        countries=["GB"],
        hours=office_hours(),
        contacts=[ContactInput("phone", "111"), ContactInput("zalo", "0912 345 678")],
    )


def test_list_query_count_is_fixed(trio, make_provider, django_assert_max_num_queries):
    for number in range(3):
        _rich_provider(make_provider, trio, number)
    trio.owner_client.get(LIST)  # the session settles on the first request
    few = _queries(trio.owner_client, LIST)
    for number in range(3, 25):
        _rich_provider(make_provider, trio, number)
    assert _queries(trio.owner_client, LIST) == few
    # Sign-in (4), count, page, 7 prefetches (services, languages, countries, contacts, hours,
    # provinces, communes with their province), the session's expiry (3).
    with django_assert_max_num_queries(16):
        trio.owner_client.get(LIST)


def test_list_query_count_with_every_filter(trio, make_provider, django_assert_max_num_queries):
    for number in range(25):
        _rich_provider(make_provider, trio, number)
    params = {"q": "noi", "domain": "health", "place": "huyện Nghi Xuân", "language": "vi"}
    trio.owner_client.get(LIST, params)
    # As above, plus reading the place (provinces, old provinces, old districts, communes ×2),
    # plus one asking whether any provider has every word as typed (else a typo is tolerated).
    with django_assert_max_num_queries(22):
        trio.owner_client.get(LIST, params)


def test_detail_query_count_is_fixed(trio, make_provider, django_assert_max_num_queries):
    provider = _rich_provider(make_provider, trio, 1)
    trio.owner_client.get(detail_url(provider))
    with django_assert_max_num_queries(16):
        trio.owner_client.get(detail_url(provider))
