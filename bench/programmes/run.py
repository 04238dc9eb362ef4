"""Time the programme dashboard of the generated project (see README.md).

Prints: the aggregate SQL of all its indicators run alone (uncached, median of 5): reading
the running tallies, counting the fact rows afresh, and counting the records; the
dashboard cold (`--cold` samples of: one write to the project, then the request); warm
p50/p95/max over `--requests` requests; and the ratio of each to the SQL alone. Then adds one
service record and checks that the dashboard's figure moves by exactly one.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402

from donghanh.cases.models import Case  # noqa: E402
from donghanh.casework.services import service_record  # noqa: E402
from donghanh.core.actor import Actor  # noqa: E402
from donghanh.indicators.compute import Scope, counted_from_records  # noqa: E402
from donghanh.indicators.fact_counts import facts_counts  # noqa: E402
from donghanh.indicators.periods import indicator_periods  # noqa: E402
from donghanh.indicators.selectors import project_indicators  # noqa: E402
from donghanh.programmes.finance.selectors import budget_summary  # noqa: E402
from donghanh.programmes.projects.models import Project  # noqa: E402
from donghanh.testing.clients import signed_in_client  # noqa: E402

SLUG = "bench-programme"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _report(label: str, times: list[float], sql_alone: float) -> None:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"dashboard {label}, {len(times)} requests: p50 {_ms(statistics.median(times))}, "
        f"p95 {_ms(p95)}, max {_ms(times[-1])}; p95 / SQL alone {p95 / sql_alone:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument(
        "--skip-records", action="store_true", help="do not time counting from the records"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    project = Project.objects.get(implementing_organisation__slug=SLUG, code="BENCH")
    indicators = project_indicators(project)

    def median_of_5(run: Callable[[], object]) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def from_facts() -> None:
        for indicator in indicators:
            periods = [(period.start, period.end) for period in indicator_periods(indicator)]
            assert facts_counts(indicator, periods, ()) is not None, "facts not used"
        budget_summary(project)

    def from_records() -> None:
        for indicator in indicators:
            counted_from_records(indicator, Scope())
        budget_summary(project)

    def from_fact_rows() -> None:
        for indicator in indicators:
            periods = [(period.start, period.end) for period in indicator_periods(indicator)]
            facts_counts(indicator, periods, (), use_tally=False)

    sql_alone = median_of_5(from_facts)
    print(f"aggregate SQL alone, the running tallies (median of 5): {_ms(sql_alone)}")
    print(
        "the same counted afresh from the fact rows, as a recount does (median of 5): "
        f"{_ms(median_of_5(from_fact_rows))}"
    )
    if not args.skip_records:
        print(f"the same counted from the records (median of 5): {_ms(median_of_5(from_records))}")

    client = signed_in_client(get_user_model().objects.get(username="bench.officer"))
    url = f"/app/o/{SLUG}/programmes/{project.pk}/dashboard/"
    cache.clear()
    cold, writes = [], []
    user = get_user_model().objects.get(username="bench.officer")
    cases = list(
        Case.objects.filter(organisation=project.implementing_organisation)
        .order_by("?")
        .values_list("pk", flat=True)[: args.cold]
    )
    for case_id in cases:
        # A real write to the project: a service record through the casework service, which
        # rewrites that person's facts and gives the project's figures a new token.
        started = time.perf_counter()
        service_record(
            case=Case.objects.get(pk=case_id),
            domain="legal",
            provider=None,
            provider_name="Trung tâm trợ giúp pháp lý",
            delivered_on=datetime.date(2025, 6, 2),
            cost_vnd=0,
            regime="",
            note="",
            actor=Actor.for_user(user, organisation=project.implementing_organisation),
            project=project,
        )
        writes.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append(time.perf_counter() - started)
    _report("write (one service record, facts rewritten)", writes, sql_alone)
    _report("cold (first request after a write)", cold, sql_alone)
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    _report("warm", times, sql_alone)

    mismatched = [
        indicator.code
        for indicator in indicators
        if facts_counts(indicator, [(p.start, p.end) for p in indicator_periods(indicator)], ())
        != _without_empty(counted_from_records(indicator, Scope()))
    ]
    print(f"facts equal to the records for every indicator: {not mismatched} {mismatched}")


def _without_empty(counted: Any) -> Any:
    whole, periods, breakdowns = counted
    return whole, periods, {name: cells for name, cells in breakdowns.items() if cells}


if __name__ == "__main__":
    main()
