"""System check: the figures listen to the record changes writers report.

A write whose change nobody hears leaves the pre-counted facts and the cached figures behind
in silence, so `manage.py check` (and every command that runs the checks) fails while
`listener.on_record_change` is not registered with `donghanh.core.records`.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from donghanh.core.records import listeners
from donghanh.indicators.listener import on_record_change


def check_listening(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if on_record_change in listeners():
        return []
    return [
        checks.Error(
            "The programme figures do not listen to record changes: writes leave them stale.",
            hint="Register donghanh.indicators.listener.on_record_change with "
            "donghanh.core.records.register_listener in IndicatorsConfig.ready().",
            id="indicators.E001",
        )
    ]
