"""What apps above `people` register with it: without a visibility rule nobody is visible."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.template.loader import get_template
from django.urls import reverse

from donghanh.core.sections import PageSections
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import registry
from donghanh.people.selectors import persons_search, persons_visible_to
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db


def _membership(staff, role):
    return Membership.objects.get(organisation=staff.organisation, user=staff.users[role])


def test_without_a_visibility_rule_nobody_is_visible(staff, person, monkeypatch):
    supervisor = _membership(staff, Role.SUPERVISOR)
    assert list(persons_visible_to(supervisor)) == [person]

    monkeypatch.setattr(registry, "_visibility_rule", None)

    assert not persons_visible_to(supervisor).exists()
    assert not persons_search(supervisor, "Hoa").exists()
    url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    assert signed_in_client(staff.users[Role.ORG_ADMIN]).get(url).status_code == 404


def test_the_rule_decides_among_the_organisations_people_only(staff, person, monkeypatch):
    monkeypatch.setattr(registry, "_visibility_rule", lambda membership: Q())
    outsider = Membership.objects.get(user=staff.outsider)

    assert list(persons_visible_to(_membership(staff, Role.CASE_WORKER))) == [person]
    assert not persons_visible_to(outsider).exists()
    # Roles without case access see nobody, whatever the rule says.
    assert not persons_visible_to(_membership(staff, Role.DONOR_VIEWER)).exists()


def test_a_second_visibility_rule_is_refused(monkeypatch):
    def rule(membership):
        return Q()

    monkeypatch.setattr(registry, "_visibility_rule", None)
    registry.register_person_visibility(rule)
    registry.register_person_visibility(rule)  # the same again: nothing changes
    with pytest.raises(ValueError, match="already registered"):
        registry.register_person_visibility(lambda membership: Q())
    assert registry.person_visibility_rule() is rule


def test_the_person_page_has_its_own_sections_and_their_templates():
    keys = registry.PERSON_PAGE.keys()
    assert keys.index("guardians") < keys.index("consents")
    for section in registry.PERSON_PAGE.sections():
        get_template(section.template)


def test_the_person_page_shows_only_the_registered_sections(staff, person, monkeypatch):
    url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    client = signed_in_client(staff.users[Role.SUPERVISOR])
    assert 'aria-labelledby="guardians"' in client.get(url).content.decode()

    sections = PageSections("person page")
    for section in registry.PERSON_PAGE.sections():
        if section.key != "guardians":
            sections.register(
                section.key, template=section.template, order=section.order, data=section.data
            )
    monkeypatch.setattr("donghanh.people.views.PERSON_PAGE", sections)

    body = client.get(url).content.decode()
    assert 'aria-labelledby="guardians"' not in body
    assert 'aria-labelledby="consents"' in body
