"""Time the caseload page, a filtered search and a case page, server-side.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.cases.run --requests 200

Requests go through Django's test client in this process: the whole middleware stack, the
URL resolver, the view, the templates and the database, but no network or WSGI server. Each
page is timed for a supervisor and a case worker of the Peace House after a warm-up. One more
request per page runs with the queries recorded: their number, and the page's main query
(the one that selects the cases shown), which is then run alone with the same parameters, as
many times as the page was requested, to give the ratio of page time to main-query time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from donghanh.accounts.models import User  # noqa: E402
from donghanh.cases.selectors import caseload  # noqa: E402
from donghanh.organisations.models import Membership  # noqa: E402

ORGANISATION = "ngoi-nha-binh-yen"
USERS = {"supervisor": "supervisor.binhyen", "case worker": "caseworker.binhyen"}
# Diacritic-free queries, as typed on a phone; with filters the caseload form offers.
SEARCHES = (
    "q=nguyen+thi+hoa&status=open",
    "q=tran+van&case_type=trafficking_victim",
    "q=le+thi+lan",
    "q=pham+thi+mai&province=40",
    "q=nguyen+thi&status=closed&case_type=gbv_survivor",
    "q=hoang+minh+tuan",
    "q=nguyen&overdue=on",
    "q=vu+thi+thu+trang&status=open",
)


@dataclass
class Captured:
    sql: str
    params: Any
    seconds: float


@dataclass
class Result:
    page: str
    role: str
    times: list[float]
    queries: int
    rows: int
    main_query_times: list[float] = field(default_factory=list)
    sql_seconds: float = 0.0
    main_sql: str = ""
    # This process's CPU time per request (Python: middleware, view, templates, decryption),
    # which the machine's other work does not inflate the way it inflates wall-clock time.
    cpu_times: list[float] = field(default_factory=list)
    by_url: dict[str, list[float]] = field(default_factory=dict)
    # A list page's count of the matching cases (the paginator's), timed alone too.
    count_query_times: list[float] = field(default_factory=list)

    def stat(self, values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def ratio(self) -> float:
        return statistics.median(self.times) / statistics.median(self.main_query_times)


@contextmanager
def recorded_queries() -> Iterator[list[Captured]]:
    captured: list[Captured] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append(Captured(sql, params, time.perf_counter() - started))

    with connection.execute_wrapper(record):
        yield captured


def signed_in(username: str) -> Client:
    """A client signed in as the demo user, past the second factor with their own device."""
    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def is_main_query(sql: str) -> bool:
    """The query that selects the cases a page shows (not a count, not an audit insert)."""
    text = sql.lstrip().upper()
    return (
        text.startswith("SELECT")
        and 'FROM "CASES_CASE"' in text
        and "COUNT(" not in text.split("FROM", 1)[0]
    )


def is_count_query(sql: str) -> bool:
    text = sql.lstrip().upper()
    return text.startswith("SELECT COUNT(") and 'FROM "CASES_CASE"' in text


def time_alone(sql: str, params: Any, repeat: int) -> list[float]:
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return times


def measure(
    client: Client, page: str, role: str, urls: list[str], repeat: int, warmup: int
) -> Result:
    for url in urls[:warmup]:
        client.get(url)
    times = []
    cpu_times = []
    by_url: dict[str, list[float]] = {}
    for index in range(repeat):
        url = urls[index % len(urls)]
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        by_url.setdefault(url, []).append(times[-1])
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    # The recorded request: the first of the page's URLs that shows at least one case (an
    # empty page runs no query for its rows).
    for url in urls[:10]:
        with recorded_queries() as captured:
            response = client.get(url)
        rows = response.content.count(b'<th scope="row">')
        if rows or page == "case page":
            break
    result = Result(
        page,
        role,
        times,
        len(captured),
        rows,
        sql_seconds=sum(q.seconds for q in captured),
        cpu_times=cpu_times,
        by_url=by_url,
    )
    count = next((query for query in captured if is_count_query(query.sql)), None)
    if count is not None:
        result.count_query_times = time_alone(count.sql, count.params, repeat)
    main = next((query for query in captured if is_main_query(query.sql)), None)
    if main is not None:
        result.main_query_times = time_alone(main.sql, main.params, repeat)
        if connection.vendor == "postgresql":
            result.main_sql = connection.ops.compose_sql(main.sql, main.params)  # type: ignore[attr-defined]
        else:
            result.main_sql = f"{main.sql}\n-- {main.params!r}"
    return result


def profiled(client: Client, urls: list[str], top: int = 25) -> str:
    """The functions these requests spent their time in, by own time and by cumulative time."""
    profile = cProfile.Profile()
    for url in urls:
        profile.enable()
        client.get(url)
        profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# The search each search page's address stands for (its terms are kept in the session).
SEARCH_OF_URL: dict[str, str] = {}


def searched_url(client: Client, base: str, search: str) -> str:
    """The address the caseload sends a posted search to: the filters and the terms' key.

    Names never travel in the address: a `q` there is ignored, so the search is posted as
    the caseload's form posts it and the page is then requested at the address it answers.
    """
    response = client.post(base, QueryDict(search))
    if response.status_code != 302:
        raise SystemExit(f"search {search}: HTTP {response.status_code}")
    url = str(response["Location"])
    SEARCH_OF_URL[url] = search
    return url


def urls_for(
    client: Client,
    role: str,
    repeat: int,
    rng: random.Random,
    searched: Sequence[str] = SEARCHES,
) -> dict[str, list[str]]:
    base = f"/app/o/{ORGANISATION}/cases/"
    membership = Membership.objects.get(user__username=USERS[role], organisation__slug=ORGANISATION)
    visible = list(caseload(membership).prefetch_related(None).values_list("pk", flat=True)[:5000])
    searches = [searched_url(client, base, search) for search in searched]
    return {
        "caseload": [f"{base}?page={1 + index % 3}" for index in range(repeat)],
        "search": [searches[index % len(searches)] for index in range(repeat)],
        "case page": [f"{base}{rng.choice(visible)}/" for _ in range(repeat)],
    }


def report(results: list[Result], out: Any = sys.stdout) -> None:
    print(
        "| page | role | requests | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | "
        "queries | rows | SQL ms (all) | main query p50 ms | page / main query | "
        "count query p50 ms | page / count query |",
        file=out,
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|", file=out)
    for r in results:
        main = r.stat(r.main_query_times, 0.5) if r.main_query_times else float("nan")
        count = r.stat(r.count_query_times, 0.5) if r.count_query_times else float("nan")
        count_ratio = r.stat(r.times, 0.5) / count if r.count_query_times else float("nan")
        print(
            f"| {r.page} | {r.role} | {len(r.times)} | {r.stat(r.times, 0.5):.1f} | "
            f"{r.stat(r.times, 0.95):.1f} | {max(r.times) * 1000:.1f} | "
            f"{r.stat(r.cpu_times, 0.5):.1f} | {r.stat(r.cpu_times, 0.95):.1f} | "
            f"{r.queries} | {r.rows} | "
            f"{r.sql_seconds * 1000:.1f} | {main:.2f} | {r.ratio:.1f} | {count:.2f} | "
            f"{count_ratio:.1f} |",
            file=out,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--pages", nargs="*", default=["caseload", "search", "case page"])
    parser.add_argument(
        "--searches",
        nargs="*",
        metavar="QUERY",
        help="the searches to time instead of the eight of SEARCHES, as the form posts them "
        "(e.g. 'q=nguyen+thi&status=closed&case_type=gbv_survivor')",
    )
    parser.add_argument("--show-sql", action="store_true", help="print each page's main query")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after the timings, profile N requests of each page (cProfile) and print the top",
    )
    parser.add_argument(
        "--list-queries", action="store_true", help="print every query of each recorded request"
    )
    args = parser.parse_args(argv)
    # As in production: no query log, no template debugging.
    settings.DEBUG = False
    rng = random.Random(3)
    from donghanh.cases.models import Case

    print(f"{Case.objects.count()} cases in the database ({connection.vendor}).")
    print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")
    results = []
    profiles: list[tuple[str, str]] = []
    for role, username in USERS.items():
        client = signed_in(username)
        urls = urls_for(client, role, args.requests, rng, args.searches or SEARCHES)
        for page in args.pages:
            results.append(measure(client, page, role, urls[page], args.requests, args.warmup))
            print(f"  {page}, {role}: done", file=sys.stderr, flush=True)
            if args.list_queries:
                with recorded_queries() as captured:
                    client.get(urls[page][0])
                print(f"\n-- {page}, {role}: {len(captured)} queries")
                for recorded in captured:
                    print(f"  {recorded.seconds * 1000:6.2f} ms  {recorded.sql[:160]}")
            if args.profile:
                profiles.append((f"{page}, {role}", profiled(client, urls[page][: args.profile])))
    print(f"Load average after: {os.getloadavg()[0]:.1f}.")
    report(results)
    print("\nSearches, median and worst ms:")
    for result in results:
        if result.page == "search":
            for url, times in result.by_url.items():
                query = SEARCH_OF_URL.get(url, url)
                print(
                    f"  {result.role}: {query}: {statistics.median(times) * 1000:.0f}, "
                    f"{max(times) * 1000:.0f}"
                )
    for title, text in profiles:
        print(f"\n-- profile: {title}\n{text}")
    if args.show_sql:
        for result in results:
            print(f"\n-- {result.page}, {result.role}\n{result.main_sql}")


if __name__ == "__main__":
    main()
