"""Time an import of trainees with their attendance through the worker `make run` starts
(see README.md, "Imports").

Makes a training with its sessions for a bench organisation and a CSV of N fictional trainees,
each with the sessions attended and two test scores; uploads it and asks for the check and then
the import (mode: the rows without problems), as the import pages do. The jobs are run by the
worker of `python -m tools.serve` (started beside this script, on the same database and
DATA_DIR), not in this process: the script only polls the batch. It prints the seconds of the
check and of the import, rows per second, and the load average seen while they ran.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import sys
import time
from typing import Any

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from bench.cases.names import full_name  # noqa: E402
from donghanh.core.actor import Actor  # noqa: E402
from donghanh.imports import services  # noqa: E402
from donghanh.imports.kinds.base import get_kind  # noqa: E402
from donghanh.imports.models import ImportBatch  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.programmes.projects.services import project_create  # noqa: E402
from donghanh.programmes.trainings.models import TrainingParticipation  # noqa: E402
from donghanh.programmes.trainings.services import session_add, training_add  # noqa: E402
from donghanh.testing import factories  # noqa: E402

HEADINGS = (
    "Họ và tên,Giới tính,Năm sinh,Vai trò,Ngành,Đơn vị,Tỉnh,Các buổi đã dự,Điểm trước,Điểm sau"
)
ROLES = ("Cán bộ xã hội", "Cộng tác viên", "Trưởng thôn", "Đoàn viên", "Hội viên phụ nữ")
SECTORS = ("Công an", "Lao động", "Tư pháp", "Hội phụ nữ", "Đoàn thanh niên", "Y tế")
PROVINCES = ("Hà Tĩnh", "Quảng Bình", "Nghệ An", "Lào Cai", "Điện Biên", "An Giang")


def csv_bytes(count: int, sessions: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = [HEADINGS]
    for _number in range(count):
        female = rng.random() < 0.6
        name, _other = full_name(rng, female=female)
        attended = sorted(rng.sample(range(1, sessions + 1), rng.randint(1, sessions)))
        pre = rng.randint(20, 70)
        lines.append(
            f"{name},{'Nữ' if female else 'Nam'},{rng.randint(1965, 2004)},"
            f"{rng.choice(ROLES)},{rng.choice(SECTORS)},UBND xã {rng.randint(1, 300)},"
            f"{rng.choice(PROVINCES)},{'; '.join(map(str, attended))},{pre},"
            f"{min(100, pre + rng.randint(0, 40))}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def wait_for(batch_id: int, busy: str, *, timeout: float, loads: list[float]) -> ImportBatch:
    """Poll until the batch leaves the status `busy`, noting the 1-minute load average."""
    started = time.perf_counter()
    while True:
        batch = ImportBatch.objects.get(pk=batch_id)
        loads.append(os.getloadavg()[0])
        if batch.status != busy:
            return batch
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"still {busy} after {timeout:.0f} s: is `tools.serve` running?")
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    kind = get_kind("trainees")
    assert kind is not None
    token = secrets.token_hex(4)
    system = Actor.system("bench")
    membership: Any = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(
            name=f"Tổ chức thử nhập {token}", short_name=f"BENCH {token}", slug=f"bench-hv-{token}"
        ),
        role=Role.PROGRAMME_OFFICER,
        user=factories.UserFactory(username=f"bench.trainees.{token}"),
    )
    organisation, user = membership.organisation, membership.user
    project = project_create(
        organisation=organisation, code=f"B{token[:4]}", name="Dự án thử nhập học viên",
        start_on=datetime.date(2025, 1, 1), end_on=datetime.date(2026, 12, 31), actor=system,
    )  # fmt: skip
    training = training_add(
        project=project, title="Tập huấn thử", level="province",
        start_on=datetime.date(2025, 3, 10), end_on=datetime.date(2025, 3, 20), actor=system,
    )  # fmt: skip
    for day in range(args.sessions):
        session_add(
            training=training, held_on=datetime.date(2025, 3, 10 + day), title=f"Buổi {day + 1}",
            actor=system,
        )  # fmt: skip
    actor = Actor.for_user(user, organisation=organisation)
    data = csv_bytes(args.rows, args.sessions, args.seed)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "sessions": args.sessions,
        "file_mb": round(len(data) / 1e6, 1),
        "database": django.db.connection.vendor,
        "load_before": round(os.getloadavg()[0], 2),
    }

    batch = services.batch_upload(
        actor=actor,
        kind=kind,
        file_name="hoc-vien.csv",
        data=data,
        options={"training_id": training.pk},
    )
    loads: list[float] = []
    started = time.perf_counter()
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    batch = wait_for(batch.pk, ImportBatch.Status.CHECKING, timeout=args.timeout, loads=loads)
    figures["dry_run_s"] = round(time.perf_counter() - started, 1)
    assert batch.status == ImportBatch.Status.CHECKED, batch.report
    figures["rows_with_problems"] = batch.rows_with_problems

    started = time.perf_counter()
    services.batch_commit_start(actor=actor, batch=batch, mode="valid")
    batch = wait_for(batch.pk, ImportBatch.Status.COMMITTING, timeout=args.timeout, loads=loads)
    commit_s = time.perf_counter() - started
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    figures["commit_s"] = round(commit_s, 1)
    figures["created"] = batch.created
    figures["commit_rows_per_s"] = round(batch.created / commit_s)
    figures["sessions_attended"] = TrainingParticipation.sessions_attended.through.objects.filter(
        trainingparticipation__training=training
    ).count()
    figures["load_max"] = round(max(loads), 2)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
