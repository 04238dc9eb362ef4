"""Django's database sessions, with the session's read compiled once per process.

Every signed-in request reads its session first; Django builds and compiles that query at
every request (`donghanh.core.queries`). This store reads it with a compiled read by its key
and keeps Django's rule: a session past its expiry date is not loaded (the key is dropped and
a new session starts). Everything else (saving, rotating, clearing expired sessions) is Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from donghanh.core.queries import CompiledRead

_session_keyed = CompiledRead(
    lambda session_key: Session.objects.filter(session_key=session_key).order_by()
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        if self.model is not Session:
            return super()._get_session_from_db()  # type: ignore[misc]
        found = _session_keyed(self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
