"""The training certificate: a PDF whose Vietnamese text survives, downloaded only by roles
that may see trainee names, and audited."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.pdf import certificate_pdf
from donghanh.programmes.trainings.services import (
    certificate_issue,
    participant_enrol,
    participation_update,
    session_add,
    training_add,
)
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

pytestmark = pytest.mark.django_db
MembershipFactory: Any = factories.MembershipFactory
D = datetime.date


def _participation(project: Project) -> Any:
    training = training_add(
        project=project, title="Tập huấn kỹ năng hỗ trợ nạn nhân", level="province",
        place="Thành phố Vinh, Nghệ An", start_on=D(2025, 3, 1), end_on=D(2025, 3, 2),
        actor=NOBODY,
    )  # fmt: skip
    session = session_add(training=training, held_on=D(2025, 3, 1), title="Buổi 1", actor=NOBODY)
    participation = participant_enrol(
        training=training, full_name="Đặng Thị Ngọc Ánh", sex="female", role="social_worker",
        sector="labour", actor=NOBODY,
    )  # fmt: skip
    participation_update(
        participation=participation, expected_version=participation.version,
        sessions_attended=[session], pre_score=Decimal(50), post_score=Decimal(90),
        actor=NOBODY,
    )  # fmt: skip
    participation.refresh_from_db()
    return participation


def test_certificate_pdf_renders_vietnamese(project: Project) -> None:
    participation = certificate_issue(participation=_participation(project), actor=NOBODY)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(certificate_pdf(participation))).pages
    )
    assert "Đặng Thị Ngọc Ánh" in text
    assert "Tập huấn kỹ năng hỗ trợ nạn nhân" in text
    assert participation.certificate_number in text


def test_certificate_download_is_audited_and_refused_to_donors(project: Project) -> None:
    participation = _participation(project)
    kwargs = {
        "org": project.implementing_organisation.slug,
        "project_id": project.pk,
        "training_id": participation.training_id,
        "participation_id": participation.pk,
    }
    url = reverse("programmes:certificate", kwargs=kwargs)
    officer = MembershipFactory(
        organisation=project.implementing_organisation, role=Role.PROGRAMME_OFFICER
    ).user
    response = signed_in_client(officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        actor=officer, action=AuditAction.EXPORT, target_type="programmes.trainingparticipation"
    ).exists()
    donor_org: Any = factories.OrganisationFactory()
    project.donors.add(donor_org)
    donor_officer = MembershipFactory(organisation=donor_org, role=Role.PROGRAMME_OFFICER).user
    kwargs["org"] = donor_org.slug
    response = signed_in_client(donor_officer).get(reverse("programmes:certificate", kwargs=kwargs))
    assert response.status_code == 403


def test_certificate_pdf_holds_the_longest_names_in_any_script(project: Project) -> None:
    from donghanh.programmes.trainings.forms import ParticipantForm, TrainingForm
    from donghanh.testing.longest import longest_for

    training = training_add(
        project=project, title=longest_for(TrainingForm, "title"), level="province",
        place=longest_for(TrainingForm, "place"), start_on=D(2025, 3, 1), end_on=D(2025, 3, 2),
        actor=NOBODY,
    )  # fmt: skip
    session = session_add(training=training, held_on=D(2025, 3, 1), title="Buổi 1", actor=NOBODY)
    participation = participant_enrol(
        training=training, full_name=longest_for(ParticipantForm, "full_name"), sex="female",
        role="social_worker", sector="labour", actor=NOBODY,
    )  # fmt: skip
    participation_update(
        participation=participation, expected_version=participation.version,
        sessions_attended=[session], pre_score=None, post_score=None, actor=NOBODY,
    )  # fmt: skip
    participation.refresh_from_db()
    participation = certificate_issue(participation=participation, actor=NOBODY)
    reader = PdfReader(io.BytesIO(certificate_pdf(participation)))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "".join(participation.participant.full_name.split()) in text
    assert "王小红" in text and "김하나" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert any("WenQuanYi" in name for name in fonts)
