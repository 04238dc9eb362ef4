"""Time and memory of a registry scan (the `duplicates.scan` job's steps) on a database.

    DATABASE_URL=... .venv/bin/python -m bench.dedup.scan_registry --organisation SLUG

Reads the organisation's people as the scan does (columns, in batches), runs the matcher and
stores the pairs, as the job would (audited as a system actor); prints the number of people,
the time of each step and the peak memory of the process. `--instances` also measures what
reading the same people as model instances, all at once, would hold (the scan before it read
in batches), with tracemalloc.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisation", required=True, help="the organisation's slug")
    parser.add_argument("--instances", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
    django.setup()

    from donghanh.core.actor import Actor
    from donghanh.duplicates import services
    from donghanh.duplicates.scan import find_pairs, row_of
    from donghanh.duplicates.selectors import persons_to_scan, persons_to_scan_count
    from donghanh.organisations.models import Organisation
    from donghanh.people.models import Person

    organisation = Organisation.objects.get(slug=args.organisation)
    actor = Actor.system("bench scan").within(organisation)
    people = persons_to_scan_count(organisation)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    scan = services.registry_scan_start(
        organisation=organisation, records=people, actor=actor, nightly=False
    )
    result = find_pairs(persons_to_scan(organisation))
    matched = time.perf_counter() - started
    started = time.perf_counter()
    services.registry_scan_finish(scan=scan, result=result, actor=actor)
    stored = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # Then, apart (the peak above is the scan's own): what reading alone holds.
    tracemalloc.start()
    started = time.perf_counter()
    rows = list(persons_to_scan(organisation))
    read = time.perf_counter() - started
    _current, rows_peak = tracemalloc.get_traced_memory()
    del rows
    tracemalloc.stop()
    if args.instances:
        tracemalloc.start()
        instances = list(
            Person.objects.filter(organisation=organisation, merged_into__isnull=True)
            .select_related("current_commune")
            .order_by("pk")
        )
        _current, instances_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert [row_of(person) for person in instances[:1]]
        del instances
    print(f"people: {people}")
    print(
        f"all rows read as columns, held at once: {read:.1f} s, {rows_peak / 2**20:.0f} MiB traced"
    )
    if args.instances:
        print(f"the same as model instances at once: {instances_peak / 2**20:.0f} MiB traced")
    print(f"read + match (streamed): {matched:.1f} s; store: {stored:.1f} s")
    print(f"pairs: {len(result.pairs)} ({result.clusters} groups)")
    print(f"peak RSS of the scan: {peak / 1024:.0f} MiB (before it: {rss_before / 1024:.0f} MiB)")
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
