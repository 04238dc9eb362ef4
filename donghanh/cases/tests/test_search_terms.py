"""Search terms never travel in an address: not in a redirect, not in any link of the results."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, quote_plus

import pytest
from django.urls import reverse

from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.cases.views import PAGE_SIZE
from donghanh.core.search_terms import SESSION_KEY
from donghanh.organisations.roles import Role

TERMS = "Lê Thị Mai"
# The words as they could appear in an address, encoded or not (compared in lower case).
TELL_TALES = (
    TERMS.lower(),
    quote(TERMS).lower(),
    quote_plus(TERMS).lower(),
    "l%c3%aa",  # Lê
    "th%e1%bb%8b",  # Thị
    "mai+",
    "mai%20",
    "=mai",
    "le+thi",
    "le%20thi",
    "q=",
)

LISTS = {
    "cases": ("cases:case_list", {"status": "open"}),
    "people": ("people:person_list", {}),
}


@pytest.fixture
def many_mais(staff):
    worker = staff.users[Role.CASE_WORKER]
    for number in range(PAGE_SIZE + 2):
        person = make_person(staff.organisation, worker, full_name=f"Lê Thị Mai {number}")
        make_case(person, worker)


def _addresses(body: str) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'(?:href|action)="([^"]*)"', body)]


@pytest.mark.parametrize("which", list(LISTS))
def test_the_terms_are_in_no_redirect_and_no_link(staff, many_mais, which):
    url_name, filters = LISTS[which]
    client = staff.client(Role.SUPERVISOR)
    url = reverse(url_name, kwargs={"org": staff.organisation.slug})

    posted = client.post(url, {"q": TERMS, **filters})

    assert posted.status_code == 302
    location = posted["Location"]
    assert location.startswith(url + "?")
    assert all(tell_tale not in location.lower() for tell_tale in TELL_TALES)
    assert "search=" in location
    shown = client.get(location)
    assert shown.status_code == 200
    assert shown.context["page"].paginator.count == PAGE_SIZE + 2
    addresses = _addresses(shown.content.decode())
    assert any("page=2" in address for address in addresses)
    for address in addresses:
        assert all(tell_tale not in address.lower() for tell_tale in TELL_TALES), address
    # The term is shown back in the search box of the page itself, which is never cached.
    assert f'value="{TERMS}"' in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] or "no-cache" in shown["Cache-Control"]
    # The next page keeps the search through its key.
    next_page = next(address for address in addresses if "page=2" in address)
    second = client.get(url + next_page if next_page.startswith("?") else next_page)
    assert len(second.context["page"].object_list) == 2


@pytest.mark.parametrize("which", list(LISTS))
def test_the_terms_are_kept_encrypted_in_the_session(staff, many_mais, which):
    url_name, _filters = LISTS[which]
    client = staff.client(Role.SUPERVISOR)
    client.post(reverse(url_name, kwargs={"org": staff.organisation.slug}), {"q": TERMS})
    kept = client.session[SESSION_KEY]
    assert len(kept) == 1
    assert TERMS not in str(kept) and "Mai" not in str(kept)


@pytest.mark.parametrize("which", list(LISTS))
def test_an_unknown_key_shows_the_list_without_the_terms_and_a_notice(staff, many_mais, which):
    url_name, _filters = LISTS[which]
    client = staff.client(Role.SUPERVISOR)
    url = reverse(url_name, kwargs={"org": staff.organisation.slug})
    response = client.get(url, {"search": "not-a-kept-key"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == PAGE_SIZE + 2
    assert "That search is no longer kept" in response.content.decode()


def test_terms_put_in_the_address_are_ignored(staff, many_mais):
    make_case(make_person(staff.organisation, None, full_name="Hà Văn Sơn"))
    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    response = client.get(url, {"q": "ha van son"})
    assert response.context["page"].paginator.count == PAGE_SIZE + 3


def test_a_key_belongs_to_its_list_and_its_user(staff, many_mais):
    client = staff.client(Role.SUPERVISOR)
    cases_url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    people_url = reverse("people:person_list", kwargs={"org": staff.organisation.slug})
    key = client.post(cases_url, {"q": "nobody like this"})["Location"].split("search=")[1]
    # The people list does not read the caseload's search.
    response = client.get(people_url, {"search": key})
    assert response.context["page"].paginator.count == PAGE_SIZE + 2
    # Another user's session does not hold it.
    other = staff.client(Role.ORG_ADMIN)
    response = other.get(cases_url, {"search": key})
    assert response.context["page"].paginator.count == PAGE_SIZE + 2
    # The user's own session does.
    assert client.get(cases_url, {"search": key}).context["page"].paginator.count == 0


def test_filters_that_identify_nobody_travel_with_the_key(staff, many_mais):
    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    location = client.post(url, {"q": TERMS, "case_type": "sex_worker", "status": "open"})[
        "Location"
    ]
    assert "case_type=sex_worker" in location and "status=open" in location
    assert client.get(location).context["page"].paginator.count == 0
