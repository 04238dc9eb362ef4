"""The jobs' settings (docs/jobs.md), read when used, so tests may change them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def result_expiry() -> timedelta:
    """How long a result file can be downloaded (JOBS_RESULT_EXPIRY_DAYS)."""
    return timedelta(days=int(getattr(settings, "JOBS_RESULT_EXPIRY_DAYS", 7)))


def stale_after() -> timedelta:
    """A running job not heard from for this long is taken as interrupted."""
    return timedelta(seconds=int(getattr(settings, "JOBS_STALE_AFTER_SECONDS", 120)))


def heartbeat_seconds() -> float:
    """How often a running job's worker says it is alive."""
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 5))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 2))


def nightly_hour() -> int:
    return int(getattr(settings, "JOBS_NIGHTLY_HOUR", 2))


def keep_for() -> timedelta:
    """How long finished jobs are kept (JOBS_KEEP_DAYS)."""
    return timedelta(days=int(getattr(settings, "JOBS_KEEP_DAYS", 90)))
