"""The rules of the programme services: money that adds up, spending that cannot slip over a
line unnoticed, people counted once, and indicators that say where their numbers come from."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.places.models import LegacyDistrict, LegacyProvince
from donghanh.programmes.finance.models import FundingSource, Spending
from donghanh.programmes.finance.selectors import budget_summary, funding_summary
from donghanh.programmes.finance.services import (
    FundingSourceData,
    budget_line_add,
    funding_split_set,
    spending_record,
)
from donghanh.programmes.outreach.services import communication_record, supported_organisation_add
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.records import StaleEditError
from donghanh.programmes.projects.services import project_province_add
from donghanh.programmes.results.services import (
    indicator_add,
    indicator_target_set,
    manual_value_record,
)
from donghanh.programmes.trainings.models import Participant, Training, TrainingParticipation
from donghanh.programmes.trainings.selectors import unique_trainees
from donghanh.programmes.trainings.services import (
    certificate_issue,
    participant_enrol,
    participation_update,
    session_add,
    training_add,
)

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

pytestmark = pytest.mark.django_db
D = datetime.date


def _source(kind: str, amount: int) -> FundingSourceData:
    return FundingSourceData(kind=kind, donor_name="Nhà tài trợ", amount_vnd=amount)


def test_funding_split_that_adds_up_is_saved(funded_project: Project) -> None:
    summary = funding_summary(funded_project)
    assert summary.budget_vnd == 5_827_300_000
    assert summary.funded_vnd == 5_827_300_000
    assert summary.balanced
    assert FundingSource.objects.filter(project=funded_project).count() == 2


def test_funding_split_that_does_not_add_up_is_refused_in_vietnamese(project: Project) -> None:
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        funding_split_set(
            project=project,
            expected_version=project.version,
            budget_vnd=5_827_300_000,
            sources=[_source("donor", 2_406_100_000), _source("government", 3_421_000_000)],
            actor=NOBODY,
        )
    message = caught.value.messages[0]
    assert "5.827.100.000 ₫" in message and "5.827.300.000 ₫" in message and "200.000 ₫" in message
    assert "ngân sách" in message.lower()
    project.refresh_from_db()
    assert project.budget_vnd == 0
    assert not FundingSource.objects.filter(project=project).exists()


def test_funding_split_refuses_a_stale_version(funded_project: Project) -> None:
    with pytest.raises(StaleEditError):
        funding_split_set(
            project=funded_project,
            expected_version=funded_project.version - 1,
            budget_vnd=100,
            sources=[_source("donor", 100)],
            actor=NOBODY,
        )


def test_budget_lines_cannot_exceed_the_total_budget(funded_project: Project) -> None:
    budget_line_add(
        project=funded_project, code="1", name="Mô hình", amount_vnd=5_000_000_000, actor=NOBODY
    )
    with pytest.raises(ValidationError) as caught:
        budget_line_add(
            project=funded_project,
            code="2",
            name="Năng lực",
            amount_vnd=827_300_001,
            actor=NOBODY,
        )
    assert caught.value.code == "lines_over_budget"
    budget_line_add(
        project=funded_project, code="2", name="Năng lực", amount_vnd=827_300_000, actor=NOBODY
    )
    assert budget_summary(funded_project).unplanned_vnd == 0


def test_overspending_a_line_needs_a_reason_and_is_marked(funded_project: Project) -> None:
    line = budget_line_add(
        project=funded_project, code="1", name="Tập huấn", amount_vnd=1_000_000, actor=NOBODY
    )
    budget_line_add(
        project=funded_project, code="2", name="Khác", amount_vnd=2_000_000, actor=NOBODY
    )
    spending_record(
        line=line, spent_on=D(2025, 1, 5), amount_vnd=900_000, description="Hội trường",
        evidence_text="PC-01", actor=NOBODY,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        spending_record(
            line=line, spent_on=D(2025, 1, 6), amount_vnd=200_000, description="Nước uống",
            evidence_text="PC-02", actor=NOBODY,
        )  # fmt: skip
    assert caught.value.code == "line_overspent"
    assert Spending.objects.filter(budget_line=line).count() == 1
    spending = spending_record(
        line=line, spent_on=D(2025, 1, 6), amount_vnd=200_000, description="Nước uống",
        evidence_text="PC-02", overspend_reason="Thêm học viên", actor=NOBODY,
    )  # fmt: skip
    assert spending.overspend_reason == "Thêm học viên"
    row = next(r for r in budget_summary(funded_project).rows if r.line == line)
    assert row.overspent and row.spent_vnd == 1_100_000
    assert AuditEntry.objects.filter(
        target_id=str(spending.pk), summary__contains="overspend"
    ).exists()


def test_a_within_budget_spending_keeps_no_overspend_reason(funded_project: Project) -> None:
    line = budget_line_add(
        project=funded_project, code="1", name="Tập huấn", amount_vnd=1_000_000, actor=NOBODY
    )
    spending = spending_record(
        line=line, spent_on=D(2025, 1, 5), amount_vnd=10, description="x",
        evidence_text="PC-01", overspend_reason="không cần", actor=NOBODY,
    )  # fmt: skip
    assert spending.overspend_reason == ""


def test_spending_over_the_project_budget_is_always_refused(project: Project) -> None:
    funding_split_set(
        project=project, expected_version=project.version, budget_vnd=1_000,
        sources=[_source("donor", 1_000)], actor=NOBODY,
    )  # fmt: skip
    project.refresh_from_db()
    line = budget_line_add(project=project, code="1", name="Dòng", amount_vnd=1_000, actor=NOBODY)
    with pytest.raises(ValidationError) as caught:
        spending_record(
            line=line, spent_on=D(2025, 1, 5), amount_vnd=1_001, description="x",
            evidence_text="PC", overspend_reason="lý do", actor=NOBODY,
        )  # fmt: skip
    assert caught.value.code == "project_overspent"
    assert not Spending.objects.exists()


def _training(project: Project, title: str) -> Training:
    return training_add(
        project=project, title=title, level="commune", start_on=D(2025, 3, 1),
        end_on=D(2025, 3, 2), actor=NOBODY,
    )  # fmt: skip


def test_a_person_in_three_trainings_counts_once(project: Project) -> None:
    trainings = [_training(project, f"Tập huấn {n}") for n in range(3)]
    for training in trainings:
        participant_enrol(
            training=training, full_name="Nguyễn Thị Hà", birth_year=1990, sex="female",
            role="social_worker", sector="labour", actor=NOBODY,
        )  # fmt: skip
    # The same name typed without diacritics is still the same trainee.
    other = _training(project, "Tập huấn 4")
    participant_enrol(
        training=other, full_name="nguyen thi ha", birth_year=1990, sex="female",
        role="social_worker", sector="labour", actor=NOBODY,
    )  # fmt: skip
    participant_enrol(
        training=other, full_name="Nguyễn Thị Hà", birth_year=1991, sex="female",
        role="social_worker", sector="labour", actor=NOBODY,
    )  # fmt: skip
    assert TrainingParticipation.objects.filter(training__project=project).count() == 5
    assert Participant.objects.count() == 2
    assert unique_trainees(project) == 2


def test_enrolling_someone_twice_in_a_training_is_refused(project: Project) -> None:
    training = _training(project, "Tập huấn")
    kwargs: dict[str, Any] = {
        "training": training, "full_name": "Lê Văn Nam", "sex": "male", "role": "collaborator",
        "sector": "youth", "actor": NOBODY,
    }  # fmt: skip
    participant_enrol(**kwargs)
    with pytest.raises(ValidationError):
        participant_enrol(**kwargs)


def test_trainee_names_are_encrypted_at_rest(project: Project) -> None:
    from django.db import connection

    training = _training(project, "Tập huấn")
    participation = participant_enrol(
        training=training, full_name="Phạm Thu Trang", sex="female", role="collaborator",
        sector="women", actor=NOBODY,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name FROM programmes_participant WHERE id = %s",
            [participation.participant_id],
        )
        stored = cursor.fetchone()[0]
    assert "Trang" not in stored


def test_participation_scores_and_sessions(project: Project) -> None:
    training = _training(project, "Tập huấn")
    first = session_add(training=training, held_on=D(2025, 3, 1), title="Buổi 1", actor=NOBODY)
    with pytest.raises(ValidationError):
        session_add(training=training, held_on=D(2025, 4, 1), title="Ngoài", actor=NOBODY)
    participation = participant_enrol(
        training=training, full_name="Bùi Văn Long", sex="male", role="village_head",
        sector="local_government", actor=NOBODY,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        certificate_issue(participation=participation, actor=NOBODY)
    with pytest.raises(ValidationError):
        participation_update(
            participation=participation, expected_version=participation.version,
            sessions_attended=[first], pre_score=Decimal(120), post_score=None, actor=NOBODY,
        )  # fmt: skip
    participation_update(
        participation=participation, expected_version=participation.version,
        sessions_attended=[first], pre_score=Decimal(40), post_score=Decimal(85),
        actor=NOBODY,
    )  # fmt: skip
    issued = certificate_issue(participation=participation, actor=NOBODY)
    assert issued.certificate_issued and issued.certificate_number.startswith("002-")


def test_indicator_rules(project: Project) -> None:
    with pytest.raises(ValidationError):
        indicator_add(
            project=project, code="1", name="Cán bộ được tập huấn", source="computed",
            actor=NOBODY,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        indicator_add(
            project=project, code="1", name="Người", aggregation="unique_people",
            actor=NOBODY,
        )  # fmt: skip
    computed = indicator_add(
        project=project, code="1", name="Cán bộ được tập huấn", source="computed",
        computed_definition="trained_participants", aggregation="unique_people",
        disaggregations=["sex", "province", "sex"], actor=NOBODY,
    )  # fmt: skip
    assert computed.disaggregations == ["sex", "province"]
    with pytest.raises(ValidationError):
        manual_value_record(
            indicator=computed, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
            value=Decimal(3), evidence_text="Danh sách", actor=NOBODY,
        )  # fmt: skip
    manual = indicator_add(
        project=project, code="2", name="Tài liệu", disaggregations=["province"], actor=NOBODY
    )
    with pytest.raises(ValidationError):
        manual_value_record(
            indicator=manual, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
            value=Decimal(1), evidence_text="  ", actor=NOBODY,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        manual_value_record(
            indicator=manual, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
            value=Decimal(1), evidence_text="Biên bản", disaggregation={"sex": "female"},
            actor=NOBODY,
        )  # fmt: skip
    manual_value_record(
        indicator=manual, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
        value=Decimal(1), evidence_text="Biên bản", disaggregation={"province": "42"},
        actor=NOBODY,
    )  # fmt: skip
    indicator_target_set(
        indicator=manual, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
        target_value=Decimal(2), actor=NOBODY,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        indicator_target_set(
            indicator=manual, period_start=D(2025, 6, 1), period_end=D(2026, 6, 1),
            target_value=Decimal(2), actor=NOBODY,
        )  # fmt: skip


def test_a_pre_2025_province_is_kept_beside_todays(project: Project) -> None:
    quang_binh = LegacyProvince.objects.get(short_name="Quảng Bình")
    row = project_province_add(project=project, legacy_province=quang_binh, actor=NOBODY)
    assert row.province.short_name == "Quảng Trị"
    assert row.legacy_province == quang_binh and "Quảng Bình" in row.original_name
    nghi_xuan = LegacyDistrict.objects.get(name="Huyện Nghi Xuân")
    row = project_province_add(project=project, legacy_district=nghi_xuan, actor=NOBODY)
    assert row.province.short_name == "Hà Tĩnh" and row.legacy_province is not None
    with pytest.raises(ValidationError):
        project_province_add(project=project, legacy_province=quang_binh, actor=NOBODY)


def test_communication_audience_adds_up(project: Project) -> None:
    with pytest.raises(ValidationError):
        communication_record(
            project=project, kind="forum_theatre", title="Sân khấu", held_on=D(2025, 4, 1),
            audience={("female", "18_24"): 30, ("male", "18_24"): 20}, audience_total=60,
            actor=NOBODY,
        )  # fmt: skip
    activity = communication_record(
        project=project, kind="forum_theatre", title="Sân khấu", held_on=D(2025, 4, 1),
        audience={("female", "18_24"): 30, ("male", "18_24"): 20}, actor=NOBODY,
    )  # fmt: skip
    assert activity.audience_total == 50
    assert activity.audience.count() == 2


def test_supported_organisation_needs_a_name(project: Project) -> None:
    with pytest.raises(ValidationError):
        supported_organisation_add(
            project=project, support_kind="training", supported_on=D(2025, 1, 1),
            actor=NOBODY,
        )  # fmt: skip
    row = supported_organisation_add(
        project=project, support_kind="training", supported_on=D(2025, 1, 1),
        organisation_name="Nhóm Tự Lực  Hoa Sen", actor=NOBODY,
    )  # fmt: skip
    assert row.name_key == "nhom tu luc hoa sen"


def test_every_write_is_audited_without_names(project: Project) -> None:
    training = _training(project, "Tập huấn")
    participant_enrol(
        training=training, full_name="Đỗ Minh Khánh", sex="male", role="collaborator",
        sector="youth", actor=NOBODY,
    )  # fmt: skip
    entries = AuditEntry.objects.filter(organisation=project.implementing_organisation)
    assert {e.target_type for e in entries} >= {
        "programmes.project",
        "programmes.training",
        "programmes.participant",
        "programmes.trainingparticipation",
    }
    assert not any("Khánh" in e.summary for e in entries)
