from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases import exports
from donghanh.cases import services as case_services
from donghanh.cases.events import CaseEvent
from donghanh.cases.models import CaseType
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.cases.tests.exporting import ask_for_export, export_url, exported
from donghanh.core.actor import Actor
from donghanh.jobs.events import JobEvent
from donghanh.jobs.models import Job
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import Consent
from donghanh.testing.clients import searched
from donghanh.testing.jobs import run_queued_jobs

PEOPLE = [
    # name, phone, ID number, date of birth, consents to statistics
    ("Nguyễn Thị Hoa", "0912 345 678", "079203001234", datetime.date(1998, 4, 12), True),
    ("Trần Văn Bình", "0987 111 222", "040201009876", datetime.date(2001, 11, 3), True),
    ("Lò Thị Xuân", "0977 333 444", "038199004321", datetime.date(1995, 1, 30), False),
    ("Phạm Thị Lan", "0966 555 666", "042200007777", datetime.date(2000, 6, 18), "withdrawn"),
]


def _consent(person, user, *, withdraw=False):
    consent = services.consent_record(
        person=person,
        purpose=Consent.Purpose.STATISTICS,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 3, 2),
        actor=Actor.for_user(user),
    )
    if withdraw:
        services.consent_withdraw(consent=consent, actor=Actor.for_user(user))


def _people(staff, count_extra=0):
    worker = staff.users[Role.CASE_WORKER]
    cases = []
    for name, phone, id_number, born, consents in PEOPLE:
        person = make_person(
            staff.organisation,
            worker,
            full_name=name,
            phone=phone,
            id_number=id_number,
            date_of_birth=born,
            current_address="Số 5 ngõ 12 phố Huế",
        )
        if consents:
            _consent(person, worker, withdraw=consents == "withdrawn")
        case = make_case(person, worker, intake_note=f"Gọi cho {name} qua {phone}")
        cases.append(
            case_services.case_update(
                case=case,
                expected_version=case.version,
                baseline=CASE_EDITS.fingerprints(case),
                actor=Actor.for_user(None),
                destination_country="CN",
                exploitation_types=["ForcedLabour"],
                journey_details=f"{name} đi qua Lạng Sơn",
            )
        )
    for number in range(count_extra):
        person = make_person(
            staff.organisation,
            worker,
            full_name=f"Đặng Thị Mơ {number}",
            date_of_birth=datetime.date(1990, 1, 1 + number),
        )
        _consent(person, worker)
        cases.append(make_case(person, worker))
    return cases


def _url(name, staff):
    return export_url(name, staff.organisation.slug)


def _export(client, name, staff, **filters):
    return exported(client, name, staff.organisation.slug, **filters)


def _body(response):
    """The whole download: the exports stream theirs instead of building it in memory."""
    assert response.streaming
    return b"".join(response.streaming_content)


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(_body(response)), read_only=True)


def _rows(response):
    sheet = _workbook(response).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- XLSX ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ORG_ADMIN])
def test_xlsx_lists_the_cases_with_identities_for_roles_that_see_them(staff, role):
    cases = _people(staff)
    client = staff.client(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _export(client, "export_xlsx", staff)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = _rows(response)
    assert rows[0] == exports.xlsx_headers(identities=True)
    assert rows[0][:3] == ["Case number", "Full name", "Date of birth"]
    assert sorted(row[0] for row in rows[1:]) == sorted(case.number for case in cases)
    names = {row[1] for row in rows[1:]}
    assert names == {name for name, *_ in PEOPLE}
    hoa = next(row for row in rows[1:] if row[1] == "Nguyễn Thị Hoa")
    assert hoa[2].date() == datetime.date(1998, 4, 12)
    entry = AuditEntry.objects.get(event=CaseEvent.EXPORTED.code)
    assert entry.summary == "case export (xlsx): 4 cases"
    assert entry.actor == staff.users[role]


def test_xlsx_takes_the_caseload_filters(staff):
    cases = _people(staff)
    worker = staff.users[Role.CASE_WORKER]
    other = make_case(
        make_person(staff.organisation, worker, full_name="Vi Thị Hằng"),
        worker,
        case_type=CaseType.SEX_WORKER,
    )
    client = staff.client(Role.SUPERVISOR)
    rows = _rows(_export(client, "export_xlsx", staff, case_type=CaseType.SEX_WORKER))
    assert [row[0] for row in rows[1:]] == [other.number]
    # A search reaches the export as the key of the terms the caseload page keeps.
    caseload_url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    key = searched(client, caseload_url, {"q": "nguyen thi hoa"}).request["QUERY_STRING"]
    rows = _rows(exported(client, "export_xlsx", staff.organisation.slug, query=key))
    assert [row[0] for row in rows[1:]] == [cases[0].number]
    assert "nguyen" not in key and "search=" in key
    # Terms put straight into the form are ignored.
    rows = _rows(_export(client, "export_xlsx", staff, q="nguyen thi hoa"))
    assert len(rows) - 1 == len(cases) + 1


def test_xlsx_without_identities_has_no_identity_columns_or_values(staff):
    _people(staff)
    membership = staff.users[Role.SUPERVISOR].memberships.get()
    cases = exports.cases_for_list_export(membership, {}, identities=False)
    content = exports.build_xlsx(cases, identities=False)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = exports.xlsx_headers(identities=False)
    assert rows[0] == headers
    assert len(rows) == 1 + len(PEOPLE)
    text = repr(rows)
    birthdays = {born for *_rest, born, _consents in PEOPLE}
    for name, phone, id_number, _born, _consents in PEOPLE:
        assert name not in text and phone not in text and id_number not in text
    dates = {value.date() for row in rows for value in row if isinstance(value, datetime.datetime)}
    assert dates and not dates & birthdays


def test_only_programme_roles_without_identities_are_without_them():
    assert exports.sees_identities(Role.SUPERVISOR)
    assert exports.sees_identities(Role.ORG_ADMIN)
    assert not exports.sees_identities(Role.PROGRAMME_OFFICER)
    assert not exports.sees_identities(Role.DONOR_VIEWER)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CASE_WORKER, 403),
        (Role.COLLABORATOR, 403),
        (Role.PROGRAMME_OFFICER, 403),
        (Role.DONOR_VIEWER, 403),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["export_page", "export_xlsx", "export_htcds_csv"])
def test_exports_are_refused_to_other_roles(staff, role, status, name):
    _people(staff)
    client = staff.client(role)
    if name == "export_page":
        response = client.get(_url(name, staff))
    else:
        response = ask_for_export(client, name, staff.organisation.slug)
    assert response.status_code == status
    run_queued_jobs()
    assert not Job.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_page_states_the_consent_rule(staff):
    page = staff.client(Role.SUPERVISOR).get(_url("export_page", staff), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert "đồng ý cho sử dụng trong thống kê" in page.content.decode()


# --- De-identified CSV --------------------------------------------------------------------


def _csv(response):
    text = _body(response).decode("utf-8-sig")
    return text, list(csv.reader(io.StringIO(text)))


def test_csv_has_htcds_headers_and_only_consenting_people(staff):
    cases = _people(staff)
    response = _export(staff.client(Role.SUPERVISOR), "export_htcds_csv", staff)
    assert response["Content-Type"].startswith("text/csv")
    _text, rows = _csv(response)
    assert rows[0] == exports.HTCDS_HEADERS
    assert all(header[:4] in {"cas_", "prs_", "vic_", "hte_"} for header in rows[0])
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # Hoa and Bình consent; Xuân never did; Lan withdrew.
    assert len(body) == 2
    expected = {exports.case_pseudonym(cases[0]), exports.case_pseudonym(cases[1])}
    assert {row["cas_ID"] for row in body} == expected
    hoa = next(row for row in body if row["cas_ID"] == exports.case_pseudonym(cases[0]))
    assert hoa["prs_Gender"] == "Female"
    assert hoa["prs_AgeGroupAtIntake"] == "25-34"  # 27 on 2 March 2026
    assert hoa["prs_Nationality"] == "VN"
    assert hoa["vic_TypeOfExploitation"] == "ForcedLabour"
    assert hoa["hte_DestinationCountry"] == "CN"
    assert hoa["cas_OpenedYearMonth"].count("-") == 1
    entry = AuditEntry.objects.get(event=CaseEvent.EXPORTED.code)
    assert entry.summary == "case export (htcds csv, de-identified): 2 cases"


def test_csv_holds_nothing_that_identifies(staff):
    cases = _people(staff)
    raw, _rows = _csv(_export(staff.client(Role.SUPERVISOR), "export_htcds_csv", staff))
    text = raw.casefold()
    for name, phone, id_number, born, _consents in PEOPLE:
        for word in name.split():
            if len(word) > 3:
                assert word.casefold() not in text
        assert phone.replace(" ", "") not in text.replace(" ", "")
        assert id_number not in text
        for shown in (born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%Y-%m")):
            assert shown not in text
    for case in cases:
        assert case.number.casefold() not in text
    assert "phố huế" not in text and "gọi cho" not in text


def test_pseudonyms_are_stable_and_not_the_case_number(staff):
    cases = _people(staff)
    client = staff.client(Role.SUPERVISOR)
    _t, first = _csv(_export(client, "export_htcds_csv", staff))
    _t, second = _csv(_export(client, "export_htcds_csv", staff))
    assert first == second
    assert exports.case_pseudonym(cases[0]) != exports.case_pseudonym(cases[1])
    assert str(cases[0].pk) != exports.case_pseudonym(cases[0])


@pytest.mark.parametrize(
    ("age", "group"),
    [(None, "Unknown"), (0, "0-11"), (12, "12-15"), (17, "16-17"), (18, "18-24"), (60, "60+")],
)
def test_age_groups(age, group):
    assert exports.age_group(age) == group


# --- Query counts -------------------------------------------------------------------------


def _queries(client, name, staff):
    """The queries of asking for the export, and of the worker writing it."""
    exported(client, name, staff.organisation.slug)  # warm up the session bookkeeping
    with CaptureQueriesContext(connection) as asking:
        assert ask_for_export(client, name, staff.organisation.slug).status_code == 302
    with CaptureQueriesContext(connection) as writing:
        run_queued_jobs()
    assert Job.objects.latest("created_at").status == Job.Status.SUCCEEDED
    return len(asking.captured_queries), len(writing.captured_queries)


@pytest.mark.parametrize("name", ["export_xlsx", "export_htcds_csv"])
def test_export_query_counts_do_not_grow_with_the_cases(staff, name):
    """Asking costs the same few queries whatever the list; the worker reads the cases a
    chunk at a time, so more cases (within a chunk) cost no more queries either."""
    _people(staff)
    client = staff.client(Role.SUPERVISOR)
    few = _queries(client, name, staff)
    _people(staff, count_extra=8)
    many = _queries(client, name, staff)
    assert few == many
    asking, _writing = few
    # session, user, 2FA device, membership, the filter form's workers and provinces; the
    # idempotency note, the job, its queue entry and id, the audit row, the note's target,
    # the session's save; and their nine savepoints and releases.
    assert asking <= 23


def test_exports_read_the_cases_a_chunk_at_a_time_and_miss_none(staff, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 3)
    cases = _people(staff, count_extra=5)  # 9 cases, 7 consenting: three chunks each
    client = staff.client(Role.SUPERVISOR)
    rows = _rows(_export(client, "export_xlsx", staff))
    assert sorted(row[0] for row in rows[1:]) == sorted(case.number for case in cases)
    worker_name = staff.users[Role.CASE_WORKER].display_name
    workers_column = len(rows[0]) - 3  # before the opening and closing dates
    # Each chunk has its own workers.
    assert [row[workers_column] for row in rows[1:]] == [worker_name] * 9
    _text, csv_rows = _csv(_export(client, "export_htcds_csv", staff))
    assert len(csv_rows) == 1 + 7
    assert len({row[0] for row in csv_rows[1:]}) == 7


# --- As background jobs -------------------------------------------------------------------


def test_an_export_is_a_job_whose_file_only_its_owner_downloads_and_every_download_audited(staff):
    _people(staff)
    supervisor = staff.client(Role.SUPERVISOR)
    exported(supervisor, "export_xlsx", staff.organisation.slug)
    job = Job.objects.get()
    assert job.kind == "cases.export_xlsx" and job.owner == staff.users[Role.SUPERVISOR]
    assert job.result_name.startswith(f"cases-{staff.organisation.slug}-")
    download = reverse("jobs:download", kwargs={"job_id": job.pk})
    # A colleague who may export too still cannot take the file.
    assert staff.client(Role.ORG_ADMIN).get(download).status_code == 404
    assert AuditEntry.objects.filter(event=JobEvent.RESULT_DOWNLOADED.code).count() == 1
    supervisor.get(download)
    assert AuditEntry.objects.filter(event=JobEvent.RESULT_DOWNLOADED.code).count() == 2


def test_the_export_page_form_sent_twice_queues_one_export(staff):
    _people(staff)
    client = staff.client(Role.SUPERVISOR)
    for _ in range(2):
        response = ask_for_export(client, "export_htcds_csv", staff.organisation.slug, key="k" * 24)
        assert response.status_code == 302
    assert Job.objects.count() == 1
    ask_for_export(client, "export_htcds_csv", staff.organisation.slug)
    assert Job.objects.count() == 2


def test_an_export_asked_for_before_the_role_changed_writes_nothing(staff):
    _people(staff)
    supervisor = staff.users[Role.SUPERVISOR]
    client = staff.client(Role.SUPERVISOR)
    assert ask_for_export(client, "export_xlsx", staff.organisation.slug).status_code == 302
    supervisor.memberships.update(role=Role.CASE_WORKER)
    run_queued_jobs()
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED and not job.result_stored_name
    with translation.override(job.language):
        refused = gettext(
            "You may no longer export this organisation's cases: nothing was exported."
        )
    assert job.language == "vi" and job.progress_message == refused
    assert not AuditEntry.objects.filter(event=CaseEvent.EXPORTED.code).exists()


def test_the_export_page_asks_with_a_post_and_a_get_queues_nothing(staff):
    client = staff.client(Role.SUPERVISOR)
    page = client.get(_url("export_page", staff))
    assert 'method="post"' in page.content.decode()
    assert client.get(_url("export_xlsx", staff)).status_code == 405
    assert not Job.objects.exists()
