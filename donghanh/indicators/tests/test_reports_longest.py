"""The donor reports hold the longest text the programme forms accept: names in any script,
codes at their limit, a results framework of many pages."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from donghanh.indicators.tests.conftest import Programme, member
from donghanh.programmes.finance.forms import BudgetLineForm
from donghanh.programmes.finance.models import BudgetLine
from donghanh.programmes.projects.forms import ProjectForm
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.forms import FrameworkItemForm, IndicatorForm
from donghanh.programmes.results.models import Goal, Outcome, Output
from donghanh.testing.clients import signed_in_client
from donghanh.testing.longest import longest_for


@pytest.fixture
def longest(programme: Programme) -> Programme:
    """The programme with every text a report shows at the longest its form accepts."""
    Project.objects.filter(pk=programme.project.pk).update(
        code=longest_for(ProjectForm, "code"), name=longest_for(ProjectForm, "name")
    )
    project = Project.objects.get(pk=programme.project.pk)
    goal = Goal.objects.create(
        project=project,
        code=longest_for(FrameworkItemForm, "code"),
        name=longest_for(FrameworkItemForm, "name"),
    )
    outcome = Outcome.objects.create(
        goal=goal,
        code=longest_for(FrameworkItemForm, "code"),
        name=longest_for(FrameworkItemForm, "name"),
    )
    output = Output.objects.create(
        outcome=outcome,
        code=longest_for(FrameworkItemForm, "code"),
        name=longest_for(FrameworkItemForm, "name"),
    )
    indicator = programme.indicator
    indicator.output = output
    indicator.code = longest_for(IndicatorForm, "code")
    indicator.name = longest_for(IndicatorForm, "name")
    indicator.unit = longest_for(IndicatorForm, "unit")
    indicator.save()
    BudgetLine.objects.create(
        project=project,
        code=longest_for(BudgetLineForm, "code"),
        name=longest_for(BudgetLineForm, "name"),
        amount_vnd=5_827_300_000,
    )
    for index in range(3):
        programme.attend(programme.trainee(index), programme.trainings[0])
    programme.project = project
    return programme


def _get(programme: Programme, name: str) -> bytes:
    client = signed_in_client(member(programme.implementer))
    url = reverse(
        f"indicators:{name}",
        kwargs={"org": programme.implementer.slug, "project_id": programme.project.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    content: bytes = response.content
    return content


def test_the_logframe_holds_the_longest_texts_as_text_never_as_formulas(
    longest: Programme,
) -> None:
    workbook = load_workbook(io.BytesIO(_get(longest, "logframe_xlsx")))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    name = longest.indicator.name
    # Each text starts with "=": a spreadsheet must show it, not run it.
    assert all(cell.data_type != "f" for cell in cells)
    assert any(text.endswith(name[1:]) and len(text) <= len(name) + 1 for text in texts)
    assert any(longest.indicator.unit[1:] in text for text in texts)


def test_the_report_pdf_holds_the_longest_texts(longest: Programme) -> None:
    document = _get(longest, "report_pdf")
    reader = PdfReader(io.BytesIO(document))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert "".join(longest.indicator.name.split()) in text
    assert "王小红" in text


def test_the_iati_results_hold_the_longest_texts(longest: Programme) -> None:
    data = json.loads(_get(longest, "iati_json"))
    result = data["iati-activity"]["result"][0]
    output = longest.indicator.output
    assert output is not None and result["title"] == output.name
    assert result["indicator"][0]["title"] == longest.indicator.name
    assert data["iati-activity"]["title"] == longest.project.name
