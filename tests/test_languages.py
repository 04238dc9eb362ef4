"""Every page of every role, in Vietnamese and in English, speaks one language.

The demo data is loaded (every kind of record, as `make run` has it), then each role's home is
walked by following links, in both languages; a page in Vietnamese must hold no English message
of the catalogues, and a page in English no Vietnamese word outside the names of people,
organisations and places and the text people typed (tests/language_walk.py).

What may stay as it is, and why:
- names of people, places, teams and organisations without an English name: a name is not
  translated;
- text typed into the records (a case note, a hotline's opening hours note) when the demo data
  gives it in one language only: the platform shows what was typed. A record kept in both
  languages (`name_en`, `description_en`) must show its English in English, so its Vietnamese is
  never on the list.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.accounts.models import User
from donghanh.audit.events import all_events, discover_events
from donghanh.cases.models import SupportRegimeRule, SupportRegimeTerm
from donghanh.casework.models import ServiceDelivery
from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.organisations.models import Organisation, Team
from donghanh.people.models import Person
from donghanh.places.models import Commune, Province
from donghanh.privacy.services import person_export_pdf
from donghanh.programmes.outreach.models import SupportedOrganisation
from donghanh.programmes.projects.models import Phase, Project
from donghanh.programmes.results.models import Goal, Indicator, Outcome, Output
from donghanh.programmes.trainings.models import Participant
from donghanh.testing.clients import signed_in_client
from tests import language_walk as lw

# One demo account of each role (docs/demo-users.md); the shelter's staff are Peace House's.
USERS = (
    "caseworker.binhyen",
    "supervisor.binhyen",
    "admin.binhyen",
    "programme.cwd",
    "caseworker.cwd",
    "collaborator.worldvision",
    "editor.doanhaiphong",
    "donor.homeoffice",
)
# Pages a walk does not open: signing out ends the walk, the language switch and Django's admin
# are not the platform's pages, and the API is read by its own tests.
SKIPPED = ("/app/logout/", "/i18n/", "/admin/", "/static/", "/api/")


def staff_allowed(url: str) -> bool:
    return url.startswith("/app/") and not url.startswith(SKIPPED)


def typed_text() -> frozenset[str]:
    """The Vietnamese typed into records: the constants of donghanh/demo of two words or more,
    less the Vietnamese of every record kept in both languages and the units (which English
    readers read in English); and the names typed in "other" fields (a provider, an
    organisation not on the platform) and the agencies of the support-regime settings."""
    found = set()
    for path in sorted((lw.ROOT / "donghanh" / "demo").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = " ".join(node.value.split()).strip(" –-,;:")
                if lw.is_vietnamese_text(text) and len(lw.WORD.findall(text)) >= 2:
                    found.add(text)
    bilingual: set[str] = set()
    for model in (Organisation, Project, Phase, Goal, Outcome, Output, Indicator, Provider):
        bilingual.update(model.objects.exclude(name_en="").values_list("name", flat=True))
    bilingual.update(
        Provider.objects.exclude(description_en="").values_list("description", flat=True)
    )
    bilingual.update(Indicator.objects.values_list("unit", flat=True))
    found -= {" ".join(text.split()) for text in bilingual}
    found.update(ServiceDelivery.objects.values_list("provider_name", flat=True))
    found.update(Participant.objects.values_list("organisation_name", flat=True))
    found.update(SupportedOrganisation.objects.values_list("organisation_name", flat=True))
    for settings_model in (SupportRegimeRule, SupportRegimeTerm):
        for row in settings_model.objects.values_list("note", "legal_basis"):
            found.update(row)
    found.update(SupportRegimeTerm.objects.values_list("responsible_agency", flat=True))
    return frozenset(text for text in found if text)


class Names:
    """What the pages may show in the language it was written in (see the module's docstring)."""

    def __init__(self) -> None:
        organisations = set(Organisation.objects.filter(name_en="").values_list("name", flat=True))
        people = set(User.objects.exclude(full_name="").values_list("full_name", flat=True))
        people |= set(User.objects.values_list("username", flat=True))
        teams = set(Team.objects.values_list("name", flat=True))
        teams.add("Đồng Hành")  # the platform's own name
        typed = typed_text()
        # Longest first, so that a long name is taken out before a shorter one inside it.
        self.whole = tuple(sorted(organisations | people | teams | typed, key=len, reverse=True))
        every = set(Organisation.objects.values_list("name", flat=True))
        every |= set(
            Organisation.objects.exclude(short_name="").values_list("short_name", flat=True)
        )
        every |= set(Organisation.objects.exclude(name_en="").values_list("name_en", flat=True))
        every |= set(Provider.objects.values_list("name", flat=True))
        every |= set(Provider.objects.exclude(name_en="").values_list("name_en", flat=True))
        self.all_organisations = tuple(sorted(every, key=len, reverse=True))
        places = set(Province.objects.values_list("name", flat=True))
        places |= set(Commune.objects.values_list("name", flat=True))
        self.words = frozenset(word for name in places | people for word in lw.WORD.findall(name))


def check_text(text: str, language: str, names: Names) -> list[str]:
    if language == "vi":
        found = lw.english_in_vietnamese(text)
        if found:  # names only where something was found: most texts need no look
            inside = [n for n in names.all_organisations + names.whole if n in text]
            found = lw.english_in_vietnamese(text, names=inside)
            found = [word for word in found if word not in names.words]
        return found
    found = lw.vietnamese_in_english(text, name_words=names.words)
    if found:
        inside = [name for name in names.whole if name in text]
        found = lw.vietnamese_in_english(text, names=inside, name_words=names.words)
    return found


def check_page(page: lw.Page, language: str, names: Names) -> list[lw.Finding]:
    findings = []
    # Text marked as another language (`lang`) is read in that language: not checked here.
    for text in page.texts.get(language, ()):
        findings += [
            lw.Finding(page.url, language, found, text)
            for found in check_text(text, language, names)
        ]
    return findings


def getter(client: Client) -> Callable[[str], tuple[int, str, str]]:
    def get(url: str) -> tuple[int, str, str]:
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        html = response.status_code == 200 and content_type.startswith("text/html")
        body = response.content.decode() if html and not response.streaming else ""
        return response.status_code, content_type, body

    return get


def load_demo() -> None:
    for command in (
        "load_demo",
        "load_directory_demo",
        "load_articles",
        "load_demo_cases",
        "load_demo_duplicates",
        "load_demo_programmes",
        "load_demo_livelihood",
    ):
        call_command(command, stdout=StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[Names]:
    """The demo data, loaded once for this module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield Names()
        transaction.set_rollback(True)


def public_allowed(language: str) -> Callable[[str], bool]:
    """The public site in one language: Vietnamese at /, English under /en/."""

    def allowed(url: str) -> bool:
        if url.startswith((*SKIPPED, "/app/")):
            return False
        return url.startswith("/en/") == (language == "en")

    return allowed


def walk_roles(language: str, names: Names) -> tuple[int, list[lw.Finding], list[str]]:
    """Every role's pages in one language; a kind of page seen for one role is not read again."""
    kinds: dict[str, int] = {}
    findings: list[lw.Finding] = []
    errors: list[str] = []
    # A visitor of the public site first, then each role.
    result = lw.walk(
        getter(Client()),
        ["/en/" if language == "en" else "/"],
        language=language,
        allowed=public_allowed(language),
        kinds=kinds,
    )
    walked = len(result.pages)
    errors += [f"visitor: {error}" for error in result.errors]
    findings += [f for page in result.pages for f in check_page(page, language, names)]
    for username in USERS:
        client = signed_in_client(User.objects.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        result = lw.walk(
            getter(client), ["/app/"], language=language, allowed=staff_allowed, kinds=kinds
        )
        walked += len(result.pages)
        errors += [f"{username}: {error}" for error in result.errors]
        findings += [f for page in result.pages for f in check_page(page, language, names)]
    return walked, findings, errors


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_of_every_role_speaks_one_language(demo: Names, db: None, language: str) -> None:
    names = demo
    walked, findings, errors = walk_roles(language, names)
    assert walked > 150
    assert not errors, "\n".join(errors)
    assert not findings, f"{len(findings)} strings in the other language:\n" + "\n".join(
        str(f) for f in findings[:80]
    )


def _file_findings(name: str, text: str, language: str, names: Names) -> list[str]:
    return [f"[{language}] {name}: {found!r}" for found in check_text(text, language, names)]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_api_errors_and_generated_files_speak_one_language(
    demo: Names, db: None, language: str
) -> None:
    """The API's refusals and the files people download, in the reader's language."""
    names = demo
    findings: list[str] = []

    # The API: a refusal before signing in, and an address that does not exist.
    for url in ("/api/v1/cases/", "/api/v1/nothing-here/"):
        response = Client().get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in {401, 403, 404}
        findings += _file_findings(url, response.content.decode(), language, names)
    not_signed_in = Client().get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE=language).json()
    english = "Authentication credentials were not provided."
    assert (not_signed_in["detail"] == english) == (language == "en")

    # The data-subject export of the demo person with the most kinds of record.
    worker = User.objects.get(username="caseworker.binhyen")
    person = max(
        Person.objects.filter(organisation__slug="ngoi-nha-binh-yen"),
        key=lambda person: (person.consents.count(), -person.pk),
    )
    document = person_export_pdf(person=person, actor=Actor.for_user(worker), language=language)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(document)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        # A PDF's lines break where the page does: read each page as one line.
        findings += _file_findings(f"export page {number}", " ".join(page.split()), language, names)

    # A programme's reports as its officer downloads them: the logframe and the PDF report.
    officer = signed_in_client(User.objects.get(username="programme.cwd"))
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    project = Project.objects.get(code="003")
    reports = f"/app/o/{project.implementing_organisation.slug}/programmes/{project.pk}/reports/"
    response = officer.get(reports + "logframe.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    assert cells
    findings += _file_findings("logframe.xlsx", "\n".join(cells), language, names)
    response = officer.get(reports + "report.pdf")
    assert response.status_code == 200
    for report_page in PdfReader(io.BytesIO(response.content)).pages:
        text = " ".join(report_page.extract_text().split())
        findings += _file_findings("report.pdf", text, language, names)
    assert not findings, "\n".join(findings[:80])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_audit_summary_speaks_the_readers_language(language: str) -> None:
    """Every kind of audit row, as the log page describes it, whether the demo has one or not
    (a lockout, an account created with a temporary password…)."""
    discover_events()
    # The platform's events: a test module may declare events of its own (for its own log),
    # which are registered only if that module ran first in this process.
    events = [event for event in all_events() if ".tests." not in type(event).__module__]
    assert len(events) > 100
    found = []
    with translation.override(language):
        for event in events:
            # Every placeholder filled: a code by the first of its labels, else a number.
            labels = type(event).value_labels()
            details = {
                key: next(iter(labels[key]), 1) if key in labels else 1
                for key in lw.PLACEHOLDER_NAME.findall(str(event.label))
            }
            text = event.describe(details)
            assert "%(" not in text
            words = (
                lw.english_in_vietnamese(text)
                if language == "vi"
                else lw.vietnamese_in_english(text)
            )
            found += [f"{event.code}: {word!r} in {text!r}" for word in words]
    assert not found, "\n".join(found)
