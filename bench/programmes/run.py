"""Time the programme dashboard of the generated project (see README.md).

Prints: the aggregate SQL of all its indicators run alone (uncached, median of 5); the
dashboard cold (`--cold` samples of: one write to the project, then the request); warm
p50/p95/max over `--requests` requests; and the ratio of each to the SQL alone. Then adds one
service record and checks that the dashboard's figure moves by exactly one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402

from donghanh.casework.models import ServiceDelivery  # noqa: E402
from donghanh.indicators.compute import Scope, _computed, raw_result  # noqa: E402
from donghanh.indicators.invalidation import indicators_changed  # noqa: E402
from donghanh.indicators.results import project_indicators  # noqa: E402
from donghanh.programmes.models import Project  # noqa: E402
from donghanh.programmes.selectors import budget_summary  # noqa: E402
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
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    project = Project.objects.get(implementing_organisation__slug=SLUG, code="BENCH")
    indicators = project_indicators(project)

    sql_times = []
    for _ in range(5):
        started = time.perf_counter()
        for indicator in indicators:
            _computed(indicator, Scope())
        budget_summary(project)
        sql_times.append(time.perf_counter() - started)
    sql_alone = statistics.median(sql_times)
    print(f"aggregate SQL alone (uncached, median of 5): {_ms(sql_alone)}")

    from django.contrib.auth import get_user_model

    client = signed_in_client(get_user_model().objects.get(username="bench.officer"))
    url = f"/app/o/{SLUG}/programmes/{project.pk}/dashboard/"
    cache.clear()
    cold = []
    for _ in range(args.cold):
        indicators_changed(project_ids=[project.pk])  # what every write to the project does
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append(time.perf_counter() - started)
    _report("cold (first request after a write)", cold, sql_alone)
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    _report("warm", times, sql_alone)

    served = indicators[0]
    before = raw_result(served).total
    some = ServiceDelivery.objects.filter(project=project).select_related("case").first()
    assert some is not None
    from donghanh.cases.models import Case

    fresh_case = (
        Case.objects.filter(organisation=project.implementing_organisation)
        .exclude(services__project=project)
        .first()
    )
    if fresh_case is not None:
        ServiceDelivery.objects.create(
            case=fresh_case, domain="health", delivered_on=some.delivered_on, project=project
        )
        indicators_changed(project_ids=[project.pk])
        after = raw_result(served).total
        print(f"after one more person served: {before} -> {after} (exact: {after == before + 1})")


if __name__ == "__main__":
    main()
