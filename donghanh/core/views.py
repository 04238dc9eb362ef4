from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers; no login, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database_ok = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" to a probe
        database_ok = False
    status = 200 if database_ok else 503
    return JsonResponse(
        {"status": "ok" if database_ok else "error", "database": database_ok}, status=status
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A translated page instead of Django's English technical one."""
    return render(request, "403_csrf.html", status=403)
