"""Moving people out of the cases app, and casefiles to attachments, keeps every row.

The test database is taken back to the layout before the move (people in the cases app,
attachments in the `casefiles` app's table, recorded as applied the way an existing database
has it), filled through the historical models, and migrated forward: every row must be found
again with its foreign keys, its encrypted values readable, and new rows must take new ids.

It changes the schema of the test database, so it needs a transactional test (no wrapping
transaction; SQLite cannot change a schema inside one); it leaves the database migrated to the
end again, whatever happens. Run it on PostgreSQL too:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> \
        pytest donghanh/people/tests/test_migrations.py
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from donghanh.core.crypto import encrypt_text

pytestmark = pytest.mark.django_db(transaction=True)

# The last migrations before the move, and the apps that did not exist yet.
BEFORE = [
    ("cases", "0008_province_filter_indexes"),
    ("people", None),
    ("attachments", None),
    ("indicators", "0004_running_tallies"),
    ("privacy", "0002_seed_public_holidays"),
    ("programmes", "0001_programmes"),
]
OLD_ATTACHMENT_TABLE = "casefiles_attachment"
DAY = datetime.date(2026, 3, 2)


def _executor() -> MigrationExecutor:
    return MigrationExecutor(connection)


def _migrate_to_the_end() -> None:
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_move() -> Iterator[Any]:
    """The historical apps of the layout before the move, with the database in that layout."""
    executor = _executor()
    executor.migrate(BEFORE)
    executor = _executor()
    state = executor.loader.project_state(sorted(executor.loader.applied_migrations))
    recorder = MigrationRecorder(connection)
    try:
        yield state.apps
    finally:
        recorder.migration_qs.filter(app="casefiles").delete()
        _migrate_to_the_end()


def _old_attachment(case_id: int, stored_name: str, name: str, user_id: int) -> None:
    """A row of the casefiles app's table, as that app wrote it (it no longer exists)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OLD_ATTACHMENT_TABLE} "  # noqa: S608 (a constant)
            "(case_id, stored_name, original_name, description, content_type, size, sha256, "
            "uploaded_by_id, uploaded_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                case_id,
                stored_name,
                encrypt_text(name),
                encrypt_text("Quyết định xác định nạn nhân"),
                "application/pdf",
                1234,
                "0" * 64,
                user_id,
                timezone.now(),
            ],
        )


def _fill(apps: Any) -> dict[str, Any]:
    """Rows of every model that moves or points at what moves, written the old way."""
    model = apps.get_model
    organisation = model("organisations", "Organisation").objects.create(
        name="Tổ chức A", slug="to-chuc-a", kind="ngo"
    )
    partner = model("organisations", "Organisation").objects.create(
        name="Tổ chức B", slug="to-chuc-b", kind="ngo"
    )
    user = model("accounts", "User").objects.create(username="worker", password="!")
    team = model("organisations", "Team").objects.create(organisation=organisation, name="Nhóm 1")
    commune = model("places", "Commune").objects.order_by("pk").first()
    assert commune is not None, "the places data migration loads communes"

    person = model("cases", "Person").objects.create(
        organisation=organisation,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        date_of_birth=datetime.date(1998, 4, 12),
        current_commune=commune,
        name_dob_index="name-dob",
        created_by=user,
    )
    child = model("cases", "Person").objects.create(
        organisation=organisation, full_name="Lê Văn Nam", sex="male", estimated_age=9
    )
    model("cases", "PersonNameToken").objects.bulk_create(
        [
            model("cases", "PersonNameToken")(
                person=person, organisation=organisation, token_index=f"token-{word}"
            )
            for word in ("nguyen", "thi", "hoa")
        ]
    )
    guardian = model("cases", "Guardian").objects.create(
        person=child, full_name="Lê Thị Mai", relation="mother", created_by=user
    )
    own_consent = model("cases", "Consent").objects.create(
        person=person,
        purpose="case_management",
        method="written",
        given_by="person",
        given_on=DAY,
        evidence_note="Phiếu đồng ý lưu tại văn phòng",
        recorded_by=user,
    )
    guardian_consent = model("cases", "Consent").objects.create(
        person=child,
        purpose="sharing",
        recipient_organisation=partner,
        method="thumbprint",
        given_by="guardian",
        guardian=guardian,
        given_on=DAY,
    )

    model("cases", "CaseNumberSequence").objects.create(
        organisation=organisation, year=2026, last_value=1
    )
    case = model("cases", "Case").objects.create(
        organisation=organisation,
        person=person,
        number="A-2026-0001",
        case_type="trafficking_victim",
        intake_channel="hotline_111",
        intake_date=DAY,
        intake_note="Gọi đường dây nóng",
        legal_regime="law_53_2024",
        opened_on=DAY,
        origin_commune=commune,
        team=team,
        created_by=user,
    )
    assignment = model("cases", "CaseAssignment").objects.create(case=case, user=user)
    restriction = model("cases", "CaseRestriction").objects.create(case=case, user=user)
    status_change = model("cases", "CaseStatusChange").objects.create(
        case=case, kind="opened", to_status="open", note="Mở hồ sơ", by=user
    )
    _old_attachment(case.pk, "1/old.bin", "quyet-dinh.pdf", user.pk)

    need = model("casework", "NeedsAssessment").objects.create(case=case, assessed_on=DAY)
    follow_up = model("casework", "FollowUp").objects.create(
        case=case, planned_on=DAY, method="visit"
    )
    referral = model("referrals", "Referral").objects.create(
        from_organisation=organisation,
        to_organisation=partner,
        case=case,
        due_at=timezone.now(),
    )
    data_request = model("privacy", "DataSubjectRequest").objects.create(
        organisation=organisation,
        person=person,
        person_ref=person.pk,
        kind="access",
        received_on=DAY,
        received_via="in_person",
        requester="person",
        acknowledge_by=DAY,
        complete_by=DAY,
    )
    deidentification = model("privacy", "PersonDeidentification").objects.create(person=child)
    project = model("programmes", "Project").objects.create(
        implementing_organisation=organisation, code="P-1", name="Dự án"
    )
    participant = model("programmes", "Participant").objects.create(
        holder=organisation,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        role="other",
        sector="other",
        person=person,
    )
    fact = model("indicators", "UnitFact").objects.create(
        project=project, source="services", unit=person.pk, person=person
    )
    content_type = model("contenttypes", "ContentType").objects.get(
        app_label="cases", model="person"
    )
    return {
        "organisation": organisation.pk,
        "partner": partner.pk,
        "user": user.pk,
        "team": team.pk,
        "commune": commune.pk,
        "person": person.pk,
        "child": child.pk,
        "guardian": guardian.pk,
        "own_consent": own_consent.pk,
        "guardian_consent": guardian_consent.pk,
        "case": case.pk,
        "assignment": assignment.pk,
        "restriction": restriction.pk,
        "status_change": status_change.pk,
        "need": need.pk,
        "follow_up": follow_up.pk,
        "referral": referral.pk,
        "data_request": data_request.pk,
        "deidentification": deidentification.pk,
        "participant": participant.pk,
        "fact": fact.pk,
        "person_content_type": content_type.pk,
    }


def test_every_row_survives_the_move_with_its_foreign_keys(before_the_move):
    tables = connection.introspection.table_names()
    assert "cases_person" in tables and "people_person" not in tables
    assert OLD_ATTACHMENT_TABLE in tables and "attachments_attachment" not in tables
    ids = _fill(before_the_move)
    # What an existing database records for the app that is gone.
    MigrationRecorder(connection).record_applied("casefiles", "0001_initial")

    _migrate_to_the_end()

    tables = connection.introspection.table_names()
    for old, new in [
        ("cases_person", "people_person"),
        ("cases_personnametoken", "people_personnametoken"),
        ("cases_guardian", "people_guardian"),
        ("cases_consent", "people_consent"),
        (OLD_ATTACHMENT_TABLE, "attachments_attachment"),
    ]:
        assert old not in tables and new in tables

    model = current_apps.get_model
    person = model("people", "Person").objects.get(pk=ids["person"])
    assert person.full_name == "Nguyễn Thị Hoa"
    assert person.date_of_birth == datetime.date(1998, 4, 12)
    assert (person.organisation_id, person.current_commune_id, person.created_by_id) == (
        ids["organisation"],
        ids["commune"],
        ids["user"],
    )
    # The three words the test wrote, and their three pairs (`people.0006`).
    assert person.name_tokens.count() == 6
    assert {token.organisation_id for token in person.name_tokens.all()} == {ids["organisation"]}
    child = model("people", "Person").objects.get(pk=ids["child"])
    guardian = child.guardians.get()
    assert (guardian.pk, guardian.full_name) == (ids["guardian"], "Lê Thị Mai")
    own = model("people", "Consent").objects.get(pk=ids["own_consent"])
    assert (own.person_id, own.evidence_note) == (ids["person"], "Phiếu đồng ý lưu tại văn phòng")
    shared = model("people", "Consent").objects.get(pk=ids["guardian_consent"])
    assert (shared.person_id, shared.guardian_id, shared.recipient_organisation_id) == (
        ids["child"],
        ids["guardian"],
        ids["partner"],
    )

    case = model("cases", "Case").objects.get(pk=ids["case"])
    assert (case.person_id, case.team_id, case.origin_commune_id) == (
        ids["person"],
        ids["team"],
        ids["commune"],
    )
    assert case.intake_note == "Gọi đường dây nóng"
    assert list(person.cases.values_list("pk", flat=True)) == [ids["case"]]
    assert case.assignments.get().pk == ids["assignment"]
    assert case.restrictions.get().pk == ids["restriction"]
    assert case.status_changes.get().note == "Mở hồ sơ"
    assert model("cases", "CaseNumberSequence").objects.get().last_value == 1

    attachment = case.attachments.get()
    assert (attachment.stored_name, attachment.original_name) == ("1/old.bin", "quyet-dinh.pdf")
    assert attachment.uploaded_by_id == ids["user"]

    assert case.needs_assessments.get().pk == ids["need"]
    assert case.follow_ups.get().pk == ids["follow_up"]
    assert case.referrals.get().pk == ids["referral"]
    data_request = model("privacy", "DataSubjectRequest").objects.get(pk=ids["data_request"])
    assert data_request.person_id == ids["person"]
    assert child.deidentification.pk == ids["deidentification"]
    assert model("programmes", "Participant").objects.get(pk=ids["participant"]).person == person
    assert model("indicators", "UnitFact").objects.get(pk=ids["fact"]).person_id == ids["person"]

    # The content types followed their models: permissions keep pointing at them.
    assert (
        ContentType.objects.get(app_label="people", model="person").pk == ids["person_content_type"]
    )
    assert not ContentType.objects.filter(app_label="cases", model="person").exists()

    # New rows take new ids, and the foreign keys still hold in the database itself.
    newcomer = model("people", "Person").objects.create(
        organisation_id=ids["organisation"], full_name="Trần Văn Bình", sex="male"
    )
    assert newcomer.pk > ids["child"]
    new_case = model("cases", "Case").objects.create(
        organisation_id=ids["organisation"],
        person=newcomer,
        number="A-2026-0002",
        case_type="migrant_at_risk",
        intake_channel="police",
        intake_date=DAY,
        legal_regime="law_53_2024",
        opened_on=DAY,
    )
    assert new_case.pk > ids["case"]
    added = model("attachments", "Attachment").objects.create(
        case=new_case,
        stored_name="1/new.bin",
        original_name="moi.pdf",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
    )
    assert added.pk > attachment.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        model("people", "Guardian").objects.create(
            person_id=newcomer.pk + 1000, full_name="Không có", relation="other"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        model("attachments", "Attachment").objects.create(
            case_id=new_case.pk + 1000,
            stored_name="1/orphan.bin",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="2" * 64,
        )
