"""Time the dry run (the check) of a people import, with and without the duplicate matcher.

Makes the CSV of `run.py` (N fictional people), registers `--people` others in the bench
organisation first (written with plain `bulk_create`, as `run.py`'s floor does), uploads the
file and runs the check through the real job worker in this process; prints the seconds, the
rows flagged and the load average. `--no-matcher` unregisters the duplicate matcher first.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import secrets
import sys
import time
from typing import Any

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.conf import settings  # noqa: E402

from donghanh.core.actor import Actor  # noqa: E402
from donghanh.imports import services  # noqa: E402
from donghanh.imports.kinds.base import get_kind  # noqa: E402
from donghanh.imports.models import ImportBatch  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.people import indexes, registry  # noqa: E402
from donghanh.people.models import Person  # noqa: E402
from donghanh.testing import factories  # noqa: E402
from donghanh.testing.jobs import run_queued_jobs  # noqa: E402

# The generator of run.py (`import` is a keyword: the package is reached by name).
_run = importlib.import_module("bench.import.run")
rows, csv_bytes = _run.rows, _run.csv_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3_000)
    parser.add_argument("--people", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-matcher", action="store_true")
    args = parser.parse_args()
    settings.IMPORTS_MAX_ROWS = max(args.rows, 50_000)
    settings.IMPORTS_MAX_UPLOAD_MB = 200
    if args.no_matcher:
        registry._duplicate_matcher = None
    kind = get_kind("people")
    assert kind is not None
    token = secrets.token_hex(4)
    organisation = factories.OrganisationFactory(
        name=f"Tổ chức thử kiểm tra {token}",
        short_name=f"CHECK {token}",
        slug=f"bench-check-{token}",
    )
    membership: Any = factories.MembershipFactory(
        organisation=organisation,
        role=Role.SUPERVISOR,
        user=factories.UserFactory(username=f"bench.check.{token}"),
    )
    organisation, user = membership.organisation, membership.user
    Person.objects.bulk_create(
        [
            Person(
                organisation=organisation,
                full_name=p["name"],
                sex=p["sex"],
                date_of_birth=p["born"],
                name_dob_index=indexes.name_and_birth_date_index(p["name"], p["born"]),
                created_by=user,
            )
            for p in rows(args.people, args.seed + 1)
        ],
        batch_size=2000,
    )
    actor = Actor.for_user(user, organisation=organisation)
    data = csv_bytes(rows(args.rows, args.seed))
    batch = services.batch_upload(
        actor=actor, kind=kind, file_name="bench.csv", data=data, options={}
    )
    started = time.perf_counter()
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED, batch.report
    figures = {
        "rows": args.rows,
        "people": args.people,
        "matcher": not args.no_matcher,
        "dry_run_s": round(seconds, 1),
        "rows_with_problems": batch.rows_with_problems,
        "load_average": os.getloadavg(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
