"""Her overall reintegration score over her assessments, drawn on the server as SVG: a line
through one point per assessment, from 0 to 100 (no script, no inline style: the stylesheet
colours it by class). The table beside it gives every score; the chart only shows the shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .models import ReintegrationAssessment

HEIGHT = 100  # the plot's height: a score of 100
TOP = 8  # room above a score of 100 for its dot
STEP = 76  # between two assessments
LEFT = 28  # room for the 0, 50 and 100 marks on the left
LABELS = 16  # room under the plot for the dates


@dataclass(frozen=True)
class Point:
    x: int
    y: int
    score: int
    label: str  # the assessment's date, dd/mm/yyyy


@dataclass(frozen=True)
class ScoreChart:
    width: int
    height: int
    points: list[Point]
    gridlines: list[tuple[int, int]]  # y, score

    @property
    def line(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    @property
    def bottom(self) -> int:
        return TOP + HEIGHT


def _y(score: int) -> int:
    return TOP + HEIGHT - round(min(max(score, 0), 100) * HEIGHT / 100)


def overall_scores(assessments: Sequence[ReintegrationAssessment]) -> ScoreChart | None:
    """The chart of her overall score, or None when no assessment has one."""
    scored = [a for a in assessments if a.overall is not None]
    if not scored:
        return None
    points = [
        Point(
            x=LEFT + STEP // 2 + index * STEP,
            y=_y(assessment.overall or 0),
            score=assessment.overall or 0,
            label=assessment.assessed_on.strftime("%d/%m/%Y"),
        )
        for index, assessment in enumerate(scored)
    ]
    return ScoreChart(
        width=LEFT + STEP * len(points),
        height=TOP + HEIGHT + LABELS,
        points=points,
        gridlines=[(_y(score), score) for score in (0, 50, 100)],
    )
