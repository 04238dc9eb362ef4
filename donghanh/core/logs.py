"""Nothing personal in the platform's own logs: addresses are logged without their query strings.

Searches carry what was searched for (a name, a phone number) in the query string of the
address. The development server logs each request line, and a log line outlives the request by
months; so every handler of the platform's logging passes its records through
`WithoutQueryStrings`, which keeps the path and drops what follows `?`. The deployment guide
says the same for the proxy and the application server in front of the platform.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


def without_query(text: str) -> str:
    """`text` with every query string cut from the addresses in it ("/search?q=an" → "/search")."""
    return _QUERY.sub("", text) if "?" in text else text


class WithoutQueryStrings(logging.Filter):
    """Cut query strings from a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: without_query(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True
