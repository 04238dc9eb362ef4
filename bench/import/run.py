"""Time the import of people with their cases (see README.md, "Imports").

Makes a CSV of N fictional people with a case and a consent each, uploads it for a bench
organisation, runs the check (the dry run) and the import through the real job worker in this
process, and prints the seconds of each, rows per second, the process's peak memory, the longest
wait between two progress reports of each job, and the floor: the same people, cases and
consents written with plain `bulk_create` (encrypted fields and blind indexes included), rolled
back afterwards. On PostgreSQL, in a database of its own (bench/README.md, "Imports"):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dh_bench_import
    nice .venv/bin/python bench/import/run.py --rows 100000; uptime
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import os
import pstats
import random
import resource
import secrets
import sys
import time
from typing import Any

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
# As a worker runs in production: with DEBUG on, Django keeps the text of the last 9,000
# statements (each INSERT of a chunk is large) and formats every one, which would be measured.
os.environ.setdefault("DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.cases.names import full_name  # noqa: E402
from donghanh.cases.models import Case  # noqa: E402
from donghanh.core.actor import Actor  # noqa: E402
from donghanh.imports import services  # noqa: E402
from donghanh.imports.kinds.base import get_kind  # noqa: E402
from donghanh.imports.models import ImportBatch  # noqa: E402
from donghanh.jobs.context import JobContext  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.people import indexes  # noqa: E402
from donghanh.people.models import Consent, Person  # noqa: E402
from donghanh.testing import factories  # noqa: E402
from donghanh.testing.jobs import run_queued_jobs  # noqa: E402

HEADINGS = (
    "Họ và tên,Giới tính,Ngày sinh,Số CCCD,Loại trường hợp,Ngày tiếp nhận,Kênh tiếp nhận,"
    "Đồng ý cho,Hình thức đồng ý,Ngày đồng ý"
)


def rows(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    made = []
    for number in range(count):
        female = rng.random() < 0.7
        name, _other = full_name(rng, female=female)
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
        intake = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 365))
        made.append(
            {
                "name": name,
                "sex": "female" if female else "male",
                "born": born,
                "id": f"0{seed % 10}{number:010d}",
                "intake": intake,
            }
        )
    return made


def csv_bytes(people: list[dict[str, Any]]) -> bytes:
    lines = [HEADINGS]
    for p in people:
        lines.append(
            f"{p['name']},{'Nữ' if p['sex'] == 'female' else 'Nam'},{p['born']:%d/%m/%Y},"
            f"{p['id']},Nạn nhân bị mua bán,{p['intake']:%d/%m/%Y},Công an,"
            f"Quản lý trường hợp,Bằng văn bản,{p['intake']:%d/%m/%Y}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


class ProgressGaps:
    """The longest wait between two progress reports of the jobs this process runs."""

    def __init__(self) -> None:
        self.last: float | None = None
        self.longest = 0.0
        self.where = ""
        original = JobContext.progress
        gaps = self

        def progress(ctx: JobContext, *args: Any, **kwargs: Any) -> None:
            now = time.monotonic()
            if gaps.last is not None and now - gaps.last > gaps.longest:
                gaps.longest = now - gaps.last
                gaps.where = f"before {args[:1]} {str(args[2:3])[:40]}"
            gaps.last = now
            original(ctx, *args, **kwargs)

        JobContext.progress = progress  # type: ignore[method-assign,assignment]

    def start(self) -> None:
        self.last, self.longest, self.where = None, 0.0, ""


def cpu_s() -> float:
    """CPU seconds of this process so far (the database server's are not counted)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RollbackError(Exception):
    pass


def floor(people: list[dict[str, Any]], organisation: Any, user: Any) -> float:
    """Seconds to write the same rows with bulk_create, in a transaction rolled back."""
    started = time.perf_counter()
    try:
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [
                    Person(
                        organisation=organisation,
                        full_name=p["name"],
                        sex=p["sex"],
                        date_of_birth=p["born"],
                        id_number=p["id"],
                        name_dob_index=indexes.name_and_birth_date_index(p["name"], p["born"]),
                        id_number_index=indexes.id_number_index(p["id"]),
                        created_by=user,
                    )
                    for p in people
                ],
                batch_size=2000,
            )
            Case.objects.bulk_create(
                [
                    Case(
                        organisation=organisation,
                        person=person,
                        number=f"BENCH-{n}",
                        case_type="trafficking_victim",
                        intake_channel="police",
                        intake_date=p["intake"],
                        opened_on=timezone.localdate(),
                        created_by=user,
                    )
                    for n, (person, p) in enumerate(zip(persons, people, strict=True))
                ],
                batch_size=2000,
            )
            Consent.objects.bulk_create(
                [
                    Consent(
                        person=person,
                        purpose="case_management",
                        method="written",
                        given_by="person",
                        given_on=p["intake"],
                        recorded_by=user,
                    )
                    for person, p in zip(persons, people, strict=True)
                ],
                batch_size=2000,
            )
            elapsed = time.perf_counter() - started
            raise RollbackError
    except RollbackError:
        return elapsed


def undo(batch: ImportBatch, organisation: Any, token: str, gaps: ProgressGaps) -> dict[str, Any]:
    """Undo the committed batch as another supervisor (never the importer) would: the time of
    asking (the page's request) and of the undo job, and what is left of the organisation's
    people, cases and consents afterwards."""
    membership: Any = factories.MembershipFactory(
        organisation=organisation,
        role=Role.SUPERVISOR,
        user=factories.UserFactory(username=f"bench.undo.{token}"),
    )
    actor = Actor.for_user(membership.user, organisation=organisation)
    figures: dict[str, Any] = {"load_average_before_undo": os.getloadavg()}
    gaps.start()
    started, cpu = time.perf_counter(), cpu_s()
    batch = services.batch_undo_start(actor=actor, batch=batch, membership=membership)
    figures["undo_request_s"] = round(time.perf_counter() - started, 2)
    started, cpu = time.perf_counter(), cpu_s()
    run_queued_jobs()
    figures["undo_s"] = round(time.perf_counter() - started, 1)
    figures["undo_cpu_s"] = round(cpu_s() - cpu, 1)
    figures["undo_longest_progress_gap_s"] = round(gaps.longest, 2)
    figures["undo_longest_gap_at"] = gaps.where
    figures["peak_mb_after_undo"] = round(peak_mb())
    batch.refresh_from_db()
    figures["undo_status"] = batch.status
    figures["left_after_undo"] = {
        "people": Person.objects.filter(organisation=organisation).count(),
        "cases": Case.objects.filter(organisation=organisation).count(),
        "consents": Consent.objects.filter(person__organisation=organisation).count(),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the commit with cProfile: its statistics to FILE, the largest costs printed",
    )
    parser.add_argument("--no-floor", action="store_true", help="leave the floor out")
    parser.add_argument(
        "--undo",
        action="store_true",
        help="after the commit, undo the whole import as another supervisor of the organisation",
    )
    args = parser.parse_args()
    settings.IMPORTS_MAX_ROWS = max(args.rows, 50_000)
    settings.IMPORTS_MAX_UPLOAD_MB = 200
    kind = get_kind("people")
    assert kind is not None
    # A new organisation and importer each run, so that runs in one database never collide.
    token = secrets.token_hex(4)
    organisation = factories.OrganisationFactory(
        name=f"Tổ chức thử nhập {token}", short_name=f"BENCH {token}", slug=f"bench-import-{token}"
    )
    membership: Any = factories.MembershipFactory(
        organisation=organisation,
        role=Role.SUPERVISOR,
        user=factories.UserFactory(username=f"bench.import.{token}"),
    )
    organisation, user = membership.organisation, membership.user
    actor = Actor.for_user(user, organisation=organisation)
    people = rows(args.rows, args.seed)
    data = csv_bytes(people)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "file_mb": round(len(data) / 1e6, 1),
        "load_average_at_start": os.getloadavg(),
    }

    started = time.perf_counter()
    batch = services.batch_upload(
        actor=actor, kind=kind, file_name="bench.csv", data=data, options={}
    )
    figures["upload_s"] = round(time.perf_counter() - started, 1)
    gaps = ProgressGaps()
    started, cpu = time.perf_counter(), cpu_s()
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    figures["dry_run_s"] = round(time.perf_counter() - started, 1)
    figures["dry_run_cpu_s"] = round(cpu_s() - cpu, 1)
    figures["dry_run_longest_progress_gap_s"] = round(gaps.longest, 2)
    figures["dry_run_longest_gap_at"] = gaps.where
    figures["peak_mb_after_dry_run"] = round(peak_mb())
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED, batch.report
    figures["rows_with_problems"] = batch.rows_with_problems
    # The dry run's figures at once (the commit of a large file takes minutes more).
    print(json.dumps(figures), file=sys.stderr, flush=True)

    gaps.start()
    started, cpu = time.perf_counter(), cpu_s()
    services.batch_commit_start(actor=actor, batch=batch, mode="valid")
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    run_queued_jobs()
    if profiler is not None:
        profiler.disable()
    commit_s = time.perf_counter() - started
    batch.refresh_from_db()
    figures["commit_s"] = round(commit_s, 1)
    figures["commit_cpu_s"] = round(cpu_s() - cpu, 1)
    figures["commit_longest_progress_gap_s"] = round(gaps.longest, 2)
    figures["commit_longest_gap_at"] = gaps.where
    figures["created"] = batch.created
    figures["commit_rows_per_s"] = round(batch.created / commit_s)
    figures["peak_mb_after_commit"] = round(peak_mb())

    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        pstats.Stats(args.profile, stream=sys.stderr).sort_stats("cumulative").print_stats(60)
    if args.undo:
        print(json.dumps(figures), file=sys.stderr, flush=True)
        figures.update(undo(batch, organisation, token, gaps))
    if args.no_floor:
        figures["load_average_at_end"] = os.getloadavg()
        print(json.dumps(figures, indent=1))
        return
    floor_s = floor(rows(args.rows, args.seed + 1), organisation, user)
    figures["bulk_create_floor_s"] = round(floor_s, 1)
    figures["floor_rows_per_s"] = round(args.rows / floor_s)
    figures["commit_vs_floor"] = round(commit_s / floor_s, 1)
    figures["load_average_at_end"] = os.getloadavg()
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
