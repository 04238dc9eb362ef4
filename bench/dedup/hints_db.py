"""The whole registration hint, database included, timed in a registry of generated cases.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.dedup.hints_db \
        [--registrations 300] [--organisation ngoi-nha-binh-yen] [--seed 14]

`hints.py` times the matcher alone on 200 ready candidates. This one times what a registration
form asks for when its name and birth date are typed (`people.selectors.possible_duplicates`,
the function the person form and the API call): the blind-index lookups of the exact keys, the
candidates' query on the name tokens (the duplicate matcher's keys: the names with the birth
date or year, or without a date the family and given name; at most `SIMILAR_CANDIDATES`, those
holding the weightiest keys first, then the most recently registered), their decryption and
the matcher's weighing, in a database made by `bench.cases.generate` (one person per case: a
million people with `--cases 1000000`), as the organisation's supervisor, who sees all its
people.

The registrations are people of the organisation written again as a second registration
would write them (diacritics dropped, one letter off, day and month swapped, the year one off
or the date missing: `bench.dedup.generate`'s changes), and, one in four, a name and date that
nobody has. It prints p50, p95, p99 and max in milliseconds (wall and this process's CPU), the
share of the re-registrations whose record was among the hints, how many people the
organisation and the registry hold, and the load average before and after.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
os.environ.setdefault("DEBUG", "false")
django.setup()

from bench.dedup.generate import _strip_diacritics, _typo  # noqa: E402
from donghanh.organisations.models import Membership  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.people.models import Person  # noqa: E402
from donghanh.people.selectors import possible_duplicates  # noqa: E402


def _rewritten(rng: random.Random, person: Person) -> tuple[str, datetime.date | None]:
    """The person's name and birth date as another registration might write them."""
    words = person.full_name.split()
    change = rng.randrange(4)
    if change == 0:
        name = _strip_diacritics(person.full_name)
    elif change == 1 and words:
        index = rng.randrange(len(words))
        words[index] = _typo(rng, words[index])
        name = " ".join(words)
    else:
        name = person.full_name
    born: datetime.date | None = person.date_of_birth
    if born is not None:
        shift = rng.randrange(4)
        if shift == 0 and born.day <= 12 and born.day != born.month:
            born = born.replace(day=born.month, month=born.day)
        elif shift == 1:
            try:
                born = born.replace(year=born.year + rng.choice((-1, 1)))
            except ValueError:  # 29 February
                born = born.replace(day=28, year=born.year + 1)
        elif shift == 2:
            born = None
    return name, born


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--organisation", default="ngoi-nha-binh-yen")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation__slug=args.organisation, role=Role.SUPERVISOR, is_active=True)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"no supervisor in {args.organisation}")
    organisation_people = Person.objects.filter(organisation=membership.organisation).count()
    registry = Person.objects.count()
    # People picked at random by id (a sample, not a scan of the organisation).
    last = Person.objects.filter(organisation=membership.organisation).order_by("-pk").first()
    assert last is not None
    picked: list[Person] = []
    while len(picked) < args.registrations + args.warmup:
        ids = [rng.randrange(1, last.pk + 1) for _ in range(200)]
        picked.extend(Person.objects.filter(organisation=membership.organisation, pk__in=ids)[:50])
    rng.shuffle(picked)
    load_before = os.getloadavg()
    wall: list[float] = []
    cpu: list[float] = []
    found = asked = 0
    for number, person in enumerate(picked[: args.registrations + args.warmup]):
        nobody = rng.random() < 0.25
        born: datetime.date | None
        if nobody:
            name, born = "Khổng Thị Nguyệt Ánh", datetime.date(1931, 2, 3)
        else:
            name, born = _rewritten(rng, person)
        started, started_cpu = time.perf_counter(), time.process_time()
        check = possible_duplicates(membership, full_name=name, date_of_birth=born)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.process_time() - started_cpu) * 1000
        if number < args.warmup:
            continue
        wall.append(elapsed)
        cpu.append(elapsed_cpu)
        if not nobody:
            asked += 1
            found += any(hint.person.pk == person.pk for hint in check.visible)
    print(f"registry: {registry} people; {membership.organisation.name}: "
          f"{organisation_people}; registrations timed: {len(wall)}")  # fmt: skip
    for label, values in (("wall", wall), ("CPU", cpu)):
        print(
            f"{label} ms: p50 {_percentile(values, 0.5):.1f}, p95 {_percentile(values, 0.95):.1f}, "
            f"p99 {_percentile(values, 0.99):.1f}, max {max(values):.1f}"
        )
    print(f"re-registrations whose record was hinted: {found}/{asked}")
    print(f"load average before {load_before}, after {os.getloadavg()}")


if __name__ == "__main__":
    main()
