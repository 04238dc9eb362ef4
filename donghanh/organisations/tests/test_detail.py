from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from donghanh.organisations.roles import Role
from donghanh.places.models import Province
from donghanh.testing import factories

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

pytestmark = pytest.mark.django_db


def url(org) -> str:
    return reverse("organisations:detail", kwargs={"org": org.slug})


def test_owner_sees_the_overview(trio):
    organisation = trio.organisation
    organisation.parent = OrganisationFactory(name="Hội Liên hiệp Phụ nữ Việt Nam")
    organisation.save()
    OrganisationFactory(name="Ngôi nhà Bình yên", parent=organisation)
    OrganisationFactory(name="Đơn vị đã đóng", parent=organisation, is_active=False)
    province = Province.objects.order_by("code").first() or Province.objects.create(
        code="01", name="Thành phố Hà Nội", short_name="Hà Nội", kind="city", folded_name="ha noi"
    )
    organisation.provinces.add(province)
    MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, is_active=False)

    response = trio.owner_client.get(url(organisation))

    assert response.status_code == 200
    page = response.content.decode()
    assert organisation.name in page
    assert "Hội Liên hiệp Phụ nữ Việt Nam" in page
    assert "Ngôi nhà Bình yên" in page
    assert "Đơn vị đã đóng" not in page
    assert province.short_name in page
    assert response.context["organisation"].active_member_count == 2  # owner and colleague
    assert response.context["membership"].role == Role.ORG_ADMIN
    assert reverse("organisations:members", kwargs={"org": organisation.slug}) in page
    assert reverse("organisations:audit_log", kwargs={"org": organisation.slug}) in page


def test_colleague_sees_the_overview_without_administration_links(trio):
    # Every role may see its organisation's overview; a donor viewer gets no admin links.
    response = trio.colleague_client.get(url(trio.organisation))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("organisations:members", kwargs={"org": trio.organisation.slug}) not in page
    assert reverse("organisations:audit_log", kwargs={"org": trio.organisation.slug}) not in page


def test_outsider_gets_404(trio):
    assert trio.outsider_client.get(url(trio.organisation)).status_code == 404


def test_deactivated_member_gets_404(trio):
    trio.organisation.memberships.filter(user=trio.colleague).update(is_active=False)
    assert trio.colleague_client.get(url(trio.organisation)).status_code == 404


def test_wrong_method_gets_405(trio):
    assert trio.owner_client.post(url(trio.organisation)).status_code == 405


def test_query_count_does_not_grow_with_units(trio, django_assert_max_num_queries):
    for _ in range(20):
        OrganisationFactory(parent=trio.organisation)
    trio.owner_client.get(url(trio.organisation))  # warm the session
    with django_assert_max_num_queries(12):
        assert trio.owner_client.get(url(trio.organisation)).status_code == 200
