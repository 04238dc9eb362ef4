"""A publication, then searches at once: does any search wait for the index to be rebuilt?

Run by `rps.sh` against its gunicorn server (see README.md), with the server's settings and
database: it publishes a new version of one article as the content import does (a system
publication: the public pages' generation moves on, every worker's index is now an old one),
then sends `--searches` searches, each with other words (so that none is a page kept by the
page cache), over `--concurrency` connections at once, and prints how long each took as the
client saw it (connection, queueing in the server, the answer): p50, p95, max, and how many took
more than `--budget` ms. Then searches go on, as many at a time, while it asks for a word of the
new version until the index answers with it (how long the index took to follow the publication,
off the request path), and `--settle` seconds more once no job renewing the indexes is left:
the same figures for every search made from the publication until then (the whole renewal: every
build, wherever it runs, and every worker's load of every new index).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.public.settings")

import django

django.setup()

from donghanh.content.models import Article, ArticleText  # noqa: E402
from donghanh.content.services import article_text_import  # noqa: E402
from donghanh.core.actor import Actor  # noqa: E402
from donghanh.jobs.models import Job  # noqa: E402

WORDS = [
    "lua",
    "dao",
    "viec",
    "lam",
    "hop",
    "dong",
    "ho",
    "chieu",
    "no",
    "luong",
    "quyen",
    "nguoi",
    "lao",
    "dong",
    "nuoc",
    "ngoai",
    "moi",
    "gioi",
    "tuyen",
    "dung",
    "phi",
    "ho",
    "tro",
    "tu",
    "van",
    "phap",
    "ly",
    "tam",
    "than",
    "suc",
    "khoe",
    "nha",
    "o",
    "an",
    "toan",
    "tro",
    "ve",
    "gia",
    "dinh",
    "trafficking",
    "passport",
    "debt",
    "wages",
    "rights",
    "worker",
    "abroad",
    "broker",
    "recruitment",
    "fees",
    "support",
]


def _queries(count: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        seen.add(" ".join(rng.sample(WORDS, rng.randint(1, 3))))
    return sorted(seen, key=lambda _q: rng.random())


def _get(port: int, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return (time.perf_counter() - started) * 1000, response.status, body


def _publish(word: str) -> str:
    """A new version of one published article, its title carrying `word`."""
    text = (
        ArticleText.objects.filter(status=ArticleText.Status.PUBLISHED, language="vi")
        .select_related("article")
        .order_by("article_id")
        .first()
    )
    if text is None:
        raise SystemExit("no published article: run rps.sh's preparation first")
    article: Article = text.article
    article_text_import(
        article=article,
        language="vi",
        title=f"{text.title.split(' · ')[0]} · {word}",
        summary=text.summary,
        body=text.body,
        last_checked=date.today(),
        source_digest=f"bench-{word}",
        actor=Actor.system("bench"),
    )
    return article.slug


def _renewal_jobs() -> int:
    """Jobs renewing the search indexes, waiting or running (none before there were any)."""
    return Job.objects.filter(
        kind="content.renew_search_indexes", status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8404)))
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--budget", type=float, default=100.0, help="ms")
    parser.add_argument(
        "--quiet-searches", type=int, default=0, help="without a publication (default --searches)"
    )
    parser.add_argument(
        "--settle", type=float, default=10.0, help="s of searches after the renewal ended"
    )
    args = parser.parse_args()
    rng = random.Random()
    # Every worker answers from the current index first (as a server in service does).
    for query in _queries(20, rng):
        _get(args.port, f"/search?q={quote(query)}")
    word = f"bench{rng.randrange(10**8, 10**9)}"
    queries = [f"/search?q={quote(query)}" for query in _queries(args.searches, rng)]
    lock = threading.Lock()
    # Every search's time and when it started, to tell when the slowest came.
    slowest: list[tuple[float, float]] = []

    def searches(paths: list[str]) -> tuple[list[float], int, float]:
        """Each query once, at most `concurrency` at a time: ms each (sorted), errors, s."""
        times: list[tuple[float, int]] = []

        def one(path: str) -> None:
            at = time.perf_counter()
            elapsed, status, _body = _get(args.port, path)
            with lock:
                times.append((elapsed, status))
                slowest.append((elapsed, at))

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, paths))
        errors = sum(1 for _elapsed, status in times if status != 200)
        return sorted(elapsed for elapsed, _ in times), errors, time.perf_counter() - started

    def line(title: str, ms: list[float], errors: int, seconds: float) -> str:
        over = sum(1 for elapsed in ms if elapsed > args.budget)
        return (
            f"{title}: {len(ms)} searches, {args.concurrency} at a time, in {seconds:.2f} s: "
            f"p50 {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, "
            f"max {ms[-1]:.1f} ms, over {args.budget:.0f} ms: {over}, not 200: {errors}"
        )

    # The same searches (other words) with no publication: what a search costs here and now.
    quiet = [
        f"/search?q={quote(query + ' ' + extra)}"
        for extra in ("ho tro", "quyen loi", "lam viec")
        for query in _queries(args.searches, rng)
    ][: args.quiet_searches or args.searches]
    print(line("without a publication", *searches(quiet)), flush=True)
    slowest.clear()
    published_at, published_wall = time.perf_counter(), time.time()
    _publish(word)  # commits: the generation moves on for every worker
    ms, errors, seconds = searches(queries)
    print(line("right after a publication", ms, errors, seconds))
    # Then searches go on, as many at a time, until the index has the new version: the whole
    # renewal (the build, wherever it runs, and every worker's load of it) under searches.
    during, during_errors = list(ms), errors
    more = iter(
        f"/search?q={quote(query + ' ' + extra)}"
        for extra in ("nguoi lao dong", "ve nuoc", "tu van", "phap ly", "an toan", "gia dinh")
        for query in _queries(max(args.searches, 500), rng)
    )
    followed_s = None
    settled_at = None
    while time.perf_counter() - published_at < 120:
        if followed_s is None:
            elapsed, _status, body = _get(args.port, f"/search?q={word}")
            during.append(elapsed)
            # The new title in a result ("… · word"): the page also repeats the query itself.
            if f"· {word}".encode() in body:
                followed_s = time.perf_counter() - published_at
        # Every index renewed, not only the articles': searches go on `--settle` seconds after
        # the new version is found and no job renewing the indexes is left.
        if followed_s is not None and settled_at is None and not _renewal_jobs():
            settled_at = time.perf_counter()
        if settled_at is not None and time.perf_counter() - settled_at > args.settle:
            break
        batch = [path for _n, path in zip(range(args.concurrency * 4), more, strict=False)]
        if not batch:
            break
        ms, errors, _seconds = searches(batch)
        during += ms
        during_errors += errors
    print(
        line(
            "from the publication until every index was renewed",
            sorted(during),
            during_errors,
            time.perf_counter() - published_at,
        )
    )
    slowest.sort(reverse=True)
    print(
        "slowest after the publication (ms at s after it): "
        + ", ".join(f"{ms:.0f} at {at - published_at:.1f}" for ms, at in slowest[:5])
    )
    ran = [
        (job.started_at.timestamp() - published_wall, job.finished_at.timestamp() - published_wall)
        for job in Job.objects.filter(kind="content.renew_search_indexes")
        if job.started_at and job.finished_at and job.finished_at.timestamp() > published_wall
    ]
    if ran:
        print(
            f"jobs renewing the indexes: {len(ran)}, running from {min(ran)[0]:.1f} s to "
            f"{max(end for _start, end in ran):.1f} s after the publication"
        )
    print(
        "new version found by the search "
        + (f"{followed_s:.2f} s after the publication" if followed_s else "not within 120 s")
    )
    over = [elapsed for elapsed in during if elapsed > args.budget]
    if over or during_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
