"""The case list exports hold the longest values the forms accept: the XLSX shows them as text,
never as formulas; the de-identified CSV holds none of the free text."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl

from donghanh.cases import exports
from donghanh.cases import services as case_services
from donghanh.cases.forms import CaseIdentificationForm, CaseIntakeFields, CaseScreeningForm
from donghanh.cases.models import IdentificationStatus
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.cases.tests.exporting import exported
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.forms import PersonForm
from donghanh.people.models import Consent, Ethnicity
from donghanh.places.models import Commune
from donghanh.reference.codelists import CONTROL_MEANS, COUNTRIES, EXPLOITATION_TYPES
from donghanh.testing.longest import longest_for, longest_label


def _longest_case(staff):
    worker = staff.users[Role.CASE_WORKER]
    person = make_person(
        staff.organisation,
        worker,
        full_name=longest_for(PersonForm, "full_name"),
        other_names=longest_for(PersonForm, "other_names"),
        date_of_birth=datetime.date(1998, 4, 12),
        ethnicity=longest_label(Ethnicity.choices),
        phone=longest_for(PersonForm, "phone"),
        id_number=longest_for(PersonForm, "id_number"),
        current_address=longest_for(PersonForm, "current_address"),
    )
    services.consent_record(
        person=person,
        purpose=Consent.Purpose.STATISTICS,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 3, 2),
        actor=Actor.for_user(worker),
    )
    case = make_case(person, worker, intake_note=longest_for(CaseIntakeFields, "intake_note"))
    return case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(worker),
        origin_commune=Commune.objects.order_by("-name").first(),
        transit_countries=[code for code in COUNTRIES.values if code != "VN"],
        destination_country="CN",
        exploitation_types=EXPLOITATION_TYPES.values,
        control_means=CONTROL_MEANS.values,
        journey_details=longest_for(CaseScreeningForm, "journey_details"),
        recruiter_details=longest_for(CaseScreeningForm, "recruiter_details"),
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
        identified_on=datetime.date(2026, 3, 3),
        identifying_agency=longest_for(CaseIdentificationForm, "identifying_agency"),
    )


def _download(staff, name):
    response = exported(staff.client(Role.SUPERVISOR), name, staff.organisation.slug)
    return b"".join(response.streaming_content)


def test_the_xlsx_holds_the_longest_values_as_text(staff):
    case = _longest_case(staff)
    workbook = openpyxl.load_workbook(io.BytesIO(_download(staff, "export_xlsx")))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows())
    assert len(rows) == 2
    cells = {header.value: cell for header, cell in zip(rows[0], rows[1], strict=True)}
    name = cells[exports.xlsx_headers(identities=True)[1]]
    # The name starts with "=": shown as the text it is, never run as a formula.
    assert name.data_type == "s" and name.value == "'" + case.person.full_name
    assert all(cell.data_type != "f" for cell in rows[1])


def test_the_csv_holds_codes_and_none_of_the_free_text(staff):
    case = _longest_case(staff)
    text = _download(staff, "export_htcds_csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == exports.HTCDS_HEADERS and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["hte_DestinationCountry"] == "CN"
    assert row["vic_TypeOfExploitation"].split(";") == EXPLOITATION_TYPES.values
    assert row["vic_MethodsOfControl"].split(";") == CONTROL_MEANS.values
    for value in (case.person.full_name, case.intake_note, case.journey_details):
        assert value[:40] not in text
    assert "王小红" not in text
