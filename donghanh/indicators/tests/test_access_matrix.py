"""Every indicators page × every actor × how the actor's organisation relates to the project.

The pages of donghanh/indicators/urls.py, mounted at /app/o/<org>/programmes/<project_id>/:
the dashboard, the records behind a computed figure (trainees; the cases of the people
served), and the three donor report downloads. Expected answers are written by hand, not
computed from roles.py or from `access_project`, as in
donghanh/programmes/tests/test_access_matrix.py. Scopes:
    implementing  the project of the actor's own organisation
    partner       the actor's organisation is a partner of the project
    donor         the actor's organisation is a donor of the project
    unrelated     a project the actor's organisation has nothing to do with (through its URL)
    other_org     the implementing organisation's URL, where the actor is not a member

Legend:
    V      200, the figures as they are (3 trainees, 1 person served)
    S      200, small counts suppressed ("<11"): seen from outside the implementing
           organisation, or by a donor viewer anywhere
    403    a member whose role lacks the permission, or may not see those records
    404    not a member of the organisation, or the project is not linked to it
    LOGIN  not signed in: sent to the sign-in page

Besides the status: a served person's name is in no answer; trainee names only in the trainee
records answered 200 (so never to a donor viewer); the dashboard links to records only for
who may open them; a view of records and a download are audited once when answered, and a
refused one writes no audit row.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.audit.models import AuditEntry
from donghanh.indicators import urls as indicator_urls
from donghanh.indicators.tests.matrix_world import PERSON, TRAINEE, LinkedProject, linked_project
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

V, S, LOGIN = "V", "S", "LOGIN"
ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",  # a superuser without any membership
    "no_membership",
    "anonymous",
)
COLUMNS = ("dashboard", "trainees", "served", "logframe", "report", "iati")

# fmt: off
IMPLEMENTING: dict[str, tuple[Any, ...]] = {
    #                      dashboard trainees served logframe report iati
    "org_admin":            (V,      V,       V,     V,       V,     V),
    "supervisor":           (V,      V,       V,     V,       V,     V),
    "case_worker":          (V,      403,     V,     V,       V,     V),
    "collaborator":         (403,    403,     403,   403,     403,   403),
    "programme_officer":    (V,      V,       403,   V,       V,     V),
    "content_editor":       (403,    403,     403,   403,     403,   403),
    "donor_viewer":         (S,      403,     403,   S,       S,     S),
    "system_administrator": (404,    404,     404,   404,     404,   404),
    "no_membership":        (404,    404,     404,   404,     404,   404),
    "anonymous":            (LOGIN,  LOGIN,   LOGIN, LOGIN,   LOGIN, LOGIN),
}

# A partner implements with the implementing organisation: it sees trainee names, but counts
# from outside, and never the cases of another organisation.
PARTNER: dict[str, tuple[Any, ...]] = {
    #                      dashboard trainees served logframe report iati
    "org_admin":            (S,      V,       403,   S,       S,     S),
    "supervisor":           (S,      V,       403,   S,       S,     S),
    "case_worker":          (S,      403,     403,   S,       S,     S),
    "collaborator":         (403,    403,     403,   403,     403,   403),
    "programme_officer":    (S,      V,       403,   S,       S,     S),
    "content_editor":       (403,    403,     403,   403,     403,   403),
    "donor_viewer":         (S,      403,     403,   S,       S,     S),
    "system_administrator": (404,    404,     404,   404,     404,   404),
    "no_membership":        (404,    404,     404,   404,     404,   404),
    "anonymous":            (LOGIN,  LOGIN,   LOGIN, LOGIN,   LOGIN, LOGIN),
}

# A donor follows the totals: never a name, never a case.
DONOR: dict[str, tuple[Any, ...]] = {
    #                      dashboard trainees served logframe report iati
    "org_admin":            (S,      403,     403,   S,       S,     S),
    "supervisor":           (S,      403,     403,   S,       S,     S),
    "case_worker":          (S,      403,     403,   S,       S,     S),
    "collaborator":         (403,    403,     403,   403,     403,   403),
    "programme_officer":    (S,      403,     403,   S,       S,     S),
    "content_editor":       (403,    403,     403,   403,     403,   403),
    "donor_viewer":         (S,      403,     403,   S,       S,     S),
    "system_administrator": (404,    404,     404,   404,     404,   404),
    "no_membership":        (404,    404,     404,   404,     404,   404),
    "anonymous":            (LOGIN,  LOGIN,   LOGIN, LOGIN,   LOGIN, LOGIN),
}

# Through the actor's own organisation, a project it has nothing to do with does not exist;
# a role without the permission is refused before the project is looked up.
UNRELATED: dict[str, tuple[Any, ...]] = {
    #                      dashboard trainees served logframe report iati
    "org_admin":            (404,    404,     404,   404,     404,   404),
    "supervisor":           (404,    404,     404,   404,     404,   404),
    "case_worker":          (404,    404,     404,   404,     404,   404),
    "collaborator":         (403,    403,     403,   403,     403,   403),
    "programme_officer":    (404,    404,     404,   404,     404,   404),
    "content_editor":       (403,    403,     403,   403,     403,   403),
    "donor_viewer":         (404,    404,     404,   404,     404,   404),
    "system_administrator": (404,    404,     404,   404,     404,   404),
    "no_membership":        (404,    404,     404,   404,     404,   404),
    "anonymous":            (LOGIN,  LOGIN,   LOGIN, LOGIN,   LOGIN, LOGIN),
}

OTHER_ORG: dict[str, tuple[Any, ...]] = {
    #                      dashboard trainees served logframe report iati
    "org_admin":            (404,    404,     404,   404,     404,   404),
    "supervisor":           (404,    404,     404,   404,     404,   404),
    "case_worker":          (404,    404,     404,   404,     404,   404),
    "collaborator":         (404,    404,     404,   404,     404,   404),
    "programme_officer":    (404,    404,     404,   404,     404,   404),
    "content_editor":       (404,    404,     404,   404,     404,   404),
    "donor_viewer":         (404,    404,     404,   404,     404,   404),
    "system_administrator": (404,    404,     404,   404,     404,   404),
    "no_membership":        (404,    404,     404,   404,     404,   404),
    "anonymous":            (LOGIN,  LOGIN,   LOGIN, LOGIN,   LOGIN, LOGIN),
}
# fmt: on

TABLES: dict[str, dict[str, tuple[Any, ...]]] = {
    "implementing": IMPLEMENTING,
    "partner": PARTNER,
    "donor": DONOR,
    "unrelated": UNRELATED,
    "other_org": OTHER_ORG,
}
ROUTES = {
    "dashboard": "dashboard",
    "trainees": "records",
    "served": "records",
    "logframe": "logframe_xlsx",
    "report": "report_pdf",
    "iati": "iati_json",
}
DOWNLOADS = {"logframe", "report", "iati"}


def _client(actor: str, own: Any) -> Client:
    if actor == "anonymous":
        return Client()
    if actor == "system_administrator":
        return signed_in_client(UserFactory(is_superuser=True, is_staff=True))
    if actor == "no_membership":
        return signed_in_client(UserFactory())
    return signed_in_client(MembershipFactory(organisation=own, role=Role(actor)).user)


def _url(column: str, slug: str, world: LinkedProject) -> str:
    kwargs: dict[str, Any] = {"org": slug, "project_id": world.project.pk}
    if column == "trainees":
        kwargs["indicator_id"] = world.trained.pk
    if column == "served":
        kwargs["indicator_id"] = world.served.pk
    return reverse(f"indicators:{ROUTES[column]}", kwargs=kwargs)


def _text(column: str, content: bytes) -> str:
    """What the answer says, whatever its format."""
    if column == "logframe":
        book = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )
    if column == "report":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode()


def _cases() -> list[Any]:
    return [
        pytest.param(actor, scope, id=f"{actor}-{scope}") for scope in TABLES for actor in ACTORS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "scope"), _cases())
def test_indicators_pages(actor: str, scope: str) -> None:
    own = OrganisationFactory()
    world = linked_project(own, "unrelated" if scope == "other_org" else scope)
    slug = world.implementer.slug if scope == "other_org" else own.slug
    client = _client(actor, own)
    expected = dict(zip(COLUMNS, TABLES[scope][actor], strict=True))
    outcomes: dict[str, Any] = {}
    for column in COLUMNS:
        audited = AuditEntry.objects.filter(action__in=("view", "export")).count()
        response = client.get(_url(column, slug, world))
        outcomes[column] = _outcome(response)
        written = AuditEntry.objects.filter(action__in=("view", "export")).count() - audited
        answered = outcomes[column] in (V, S)
        if column != "dashboard":  # records are audited as viewed, downloads as exported
            assert written == (1 if answered else 0), column
        if answered:
            text = _text(column, response.content)
            outcomes[column] = _as_shown(column, text)
            _check_answer(column, text, expected, world)
    assert outcomes == expected


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and "/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code != 200:
        return response.status_code
    return V  # or S: see _as_shown


def _as_shown(column: str, text: str) -> str:
    """S when the answer shows small counts suppressed, V when it shows them as they are."""
    if column in ("trainees", "served"):
        return V
    if column == "iati":
        return S if json.loads(text)["iati-activity"]["small-cell-suppression"] else V
    return S if ("<11" in text or "&lt;11" in text) else V


def _check_answer(column: str, text: str, expected: dict[str, Any], world: LinkedProject) -> None:
    assert PERSON not in text
    assert (TRAINEE in text) is (column == "trainees")
    if column in DOWNLOADS:  # the text was read out of the file: names would have been too
        assert "Cán bộ được tập huấn" in text
    if column == "served":
        assert world.case_number not in text or expected["served"] == V
        return
    if column == "trainees":
        return
    suppressed = expected[column] == S
    if column == "dashboard":
        assert ('data-indicator="1.1">3<' in text) is not suppressed
        for records in ("trainees", "served"):
            link = _url(records, "x", world).split("/programmes/")[1]
            assert (link in text) is (expected[records] == V), records
    if column == "iati":
        actuals = [
            period["actual"]
            for result in json.loads(text)["iati-activity"]["result"]
            for indicator in result["indicator"]
            for period in indicator["period"]
        ]
        if suppressed:
            assert all(actual["value"] is None for actual in actuals), actuals
        else:
            assert actuals == [{"value": 3}, {"value": 1}]


def test_the_matrix_covers_every_indicators_page() -> None:
    assert set(ROUTES.values()) == {pattern.name for pattern in indicator_urls.urlpatterns}
    assert set(ROUTES) == set(COLUMNS)
    for table in TABLES.values():
        assert tuple(table) == ACTORS
        assert all(len(row) == len(COLUMNS) for row in table.values())
