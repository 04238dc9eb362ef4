"""The platform's addresses plus one page of the tests only, that starts a counting job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

import donghanh.jobs.tests.kinds  # noqa: F401 - registers the tests' job kinds
from donghanh.core.actor import request_actor
from donghanh.jobs.services import job_start
from donghanh.jobs.tests import kinds
from donghanh.urls import urlpatterns as platform

PAGE = engines["django"].from_string(
    """{% extends "workspace_base.html" %}
{% block title %}Start a job{% endblock %}
{% block content %}<h1>Start a job</h1>
<form method="post">{% csrf_token %}<button type="submit">Start counting</button></form>
{% endblock %}"""
)


@login_required
def start_counting(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        job_start(
            actor=request_actor(request),
            kind=kinds.COUNT,
            parameters={"steps": 20, "delay": 0.15, "result": True},
        )
        return redirect("jobs:list")
    return HttpResponse(PAGE.render({}, request))


urlpatterns = [*platform, path("test-jobs/start/", start_counting)]
