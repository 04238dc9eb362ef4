"""The API holds to its OpenAPI schema under generated requests: schemathesis sends valid and
invalid requests to every operation, in process, with a real token, and every answer must be a
documented status with a documented body, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from donghanh.api.tests.conftest import Staff, issue_token
from donghanh.organisations.roles import Role

# Bounded: a few examples per operation keeps the run to tens of seconds in CI.
EXAMPLES = 12


# The schema is read from the application itself, as a client would read it.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _one_connection_for_the_whole_test() -> Any:
    """The requests go to the WSGI application itself, which closes the database connection
    when a request ends; inside a test that would close the test's own connection (on
    PostgreSQL), so, as Django's test client does, the connection is kept across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def supervisor_token(staff: Staff) -> str:
    return issue_token(staff.users[Role.SUPERVISOR])


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case: Any, supervisor_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {supervisor_token}"})
