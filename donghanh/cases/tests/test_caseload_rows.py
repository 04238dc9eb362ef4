"""The caseload's rows drawn in Python are the HTML its template wrote, escaping included."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

from donghanh.cases.models import Case, CaseAssignment, CaseStatus, CaseType, IdentificationStatus
from donghanh.cases.templatetags.caseload import caseload_rows
from donghanh.organisations.models import Team
from donghanh.people.models import Person

# The rows as the caseload's template wrote them before they were drawn in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for case in cases %}
    <tr>
      <th scope="row"><a href="{{ case.address }}">{{ case.number }}</a>{% if case.is_restricted %} <span class="badge warn">{% translate "Restricted" %}</span>{% endif %}</th>
      <td>{{ case.person.full_name }}</td>
      <td>{{ case.get_case_type_display }}</td>
      <td><span class="badge{% if case.status == 'closure_requested' %} warn{% endif %}">{{ case.get_status_display }}</span></td>
      <td>{{ case.get_identification_status_display }}</td>
      <td>{% for assignment in case.assignment_list %}{{ assignment.user.display_name }}{% if not forloop.last %}, {% endif %}{% empty %}<span class="muted">{% translate "Nobody" %}</span>{% endfor %}{% if case.team %}<br><span class="muted">{% blocktranslate with name=case.team.name %}Team: {{ name }}{% endblocktranslate %}</span>{% endif %}</td>
      <td>{{ case.opened_on|date:"SHORT_DATE_FORMAT" }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def _case(number, name, *, status, restricted=False, team=None, workers=(), kind=None):
    case = Case(
        pk=number,
        number=f"BY-2026-{number}",
        case_type=kind or CaseType.TRAFFICKING_VICTIM,
        status=status,
        identification_status=IdentificationStatus.NOT_IDENTIFIED,
        is_restricted=restricted,
        opened_on=datetime.date(2026, 3, number % 28 + 1),
    )
    case.person = Person(full_name=name)
    case.team = Team(name=team) if team else None
    user = get_user_model()
    case.assignment_list = [  # type: ignore[attr-defined]
        CaseAssignment(user=user(username=f"u{index}", full_name=worker))
        for index, worker in enumerate(workers)
    ]
    case.address = f"/app/o/x/cases/{number}/?a=1&b=<2>"  # type: ignore[attr-defined]
    return case


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_are_the_html_the_template_wrote(language):
    cases = [
        _case(1, "Lê Thị Mai", status=CaseStatus.OPEN, workers=["Vũ Thu", ""]),
        _case(2, '<b>Trần & "Nam"</b>', status=CaseStatus.CLOSURE_REQUESTED, restricted=True),
        _case(3, "Phạm 'An'", status=CaseStatus.CLOSED, team="Đội <Hà Nội> & Co", workers=["A&B"]),
        _case(4, "Hoàng Văn Tuấn", status=CaseStatus.OPEN, kind=CaseType.GBV_SURVIVOR),
    ]
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"cases": cases}))
        drawn = caseload_rows(cases)
    assert drawn == expected
    assert "&lt;b&gt;Trần &amp; &quot;Nam&quot;&lt;/b&gt;" in drawn
    assert "<b>" not in drawn
    assert caseload_rows([]) == ""
