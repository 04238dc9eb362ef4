"""The platform's logs never hold what was searched for: request lines lose their query strings."""

from __future__ import annotations

import io
import logging

import pytest

from donghanh.core.logs import WithoutQueryStrings, without_query


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        (
            "GET /app/org/people/?q=Nguy%E1%BB%85n+Th%E1%BB%8B+Hoa HTTP/1.1",
            "GET /app/org/people/ HTTP/1.1",
        ),
        ("GET /api/v1/persons/?search=0912345678&page=2 HTTP/1.1", "GET /api/v1/persons/ HTTP/1.1"),
        ('"GET /search?q=lua+dao HTTP/1.1" 200 5120', '"GET /search HTTP/1.1" 200 5120'),
        ("GET /healthz HTTP/1.1", "GET /healthz HTTP/1.1"),
    ],
)
def test_an_address_is_logged_without_its_query(line: str, logged: str) -> None:
    assert without_query(line) == logged


def test_the_development_server_log_holds_no_search_terms() -> None:
    logger = logging.getLogger("django.server")
    # The platform's own handler (the test runner adds capturing handlers of its own).
    (handler,) = [
        handler
        for handler in logger.handlers
        if any(isinstance(item, WithoutQueryStrings) for item in handler.filters)
    ]
    stream = io.StringIO()
    assert type(handler) is logging.StreamHandler
    previous = handler.setStream(stream)
    try:
        # What runserver's request handler logs for each request.
        logger.info(
            '"%s" %s %s',
            "GET /app/peace-house/people/?q=Tr%E1%BA%A7n+V%C4%83n+An HTTP/1.1",
            "200",
            "9001",
        )
        logging.getLogger("donghanh.anything").warning("Looked at /search?q=Hoa")
    finally:
        handler.setStream(previous)
    text = stream.getvalue()
    assert "/app/peace-house/people/ HTTP/1.1" in text and "/search" in text
    assert "Tr%E1%BA%A7n" not in text and "q=" not in text and "Hoa" not in text
