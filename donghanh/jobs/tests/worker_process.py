"""A jobs worker with the tests' job kinds, for tests that need a real worker process:
`python -m donghanh.jobs.tests.worker_process [run_jobs_worker options]`."""

from __future__ import annotations

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
    django.setup()
    from django.core.management import call_command

    import donghanh.jobs.tests.kinds  # noqa: F401 - registers the tests' job kinds

    call_command("run_jobs_worker", *sys.argv[1:])


if __name__ == "__main__":
    main()
