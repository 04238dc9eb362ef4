"""The supervisors' review of records of the same person: the queue, a pair side by side,
the decisions, the merge and its undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.forms import add_service_error
from donghanh.duplicates import services
from donghanh.duplicates.forms import DecisionForm, MergeForm, ScanForm, evidence_of, field_rows
from donghanh.duplicates.models import Decision
from donghanh.duplicates.selectors import (
    access_candidate_pair,
    access_person_merge,
    access_review_queue,
    access_scan_request,
    last_scan,
    may_decide,
    merge_of_decided_pair,
    pairs_to_review,
    recent_merges,
    scan_waiting,
)

PAGE_SIZE = 25


@never_cache
@require_GET
@login_required
def review_queue(request: HttpRequest, org: str) -> HttpResponse:
    """Likely pairs of records of the same person, strongest first, those postponed last."""
    membership = access_review_queue(request.user, org)
    page = Paginator(pairs_to_review(membership), PAGE_SIZE).get_page(request.GET.get("page"))
    services.review_queue_view_record(
        organisation=membership.organisation,
        shown=len(page.object_list),
        actor=request_actor(request, membership.organisation),
    )
    return render(
        request,
        "duplicates/review_queue.html",
        {
            "organisation": membership.organisation,
            "page": page,
            "scan": last_scan(membership.organisation),
            "scan_waiting": scan_waiting(membership.organisation),
            "scan_form": ScanForm(),
            "merges": recent_merges(membership),
            "can_decide": may_decide(membership),
        },
    )


@never_cache
@require_POST
@login_required
def scan_request(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_scan_request(request.user, org)
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("This form is damaged. Open the page again and redo your changes.")
        )
        return redirect("duplicates:queue", org=org)
    services.registry_scan_request(
        actor=request_actor(request, membership.organisation),
        idempotency_key=form.cleaned_data["idempotency_key"],
    )
    messages.success(
        request,
        _("The scan is running in the background. Its likely pairs appear here when it is done."),
    )
    return redirect("duplicates:queue", org=org)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def pair_detail(request: HttpRequest, org: str, pair_id: int) -> HttpResponse:
    """The two records side by side, why they match, and the merge form."""
    try:
        membership, pair = access_candidate_pair(
            request.user, org, pair_id, decide=request.method == "POST"
        )
    except Http404:
        # The merge form sent twice: the first one merged the pair, the second finds its merge.
        membership = access_review_queue(request.user, org)
        merge = merge_of_decided_pair(membership, pair_id) if may_decide(membership) else None
        if request.method != "POST" or merge is None:
            raise
        return redirect("duplicates:merge_detail", org=org, merge_id=merge.pk)
    actor = request_actor(request, membership.organisation)
    a, b = pair.person_a, pair.person_b
    if request.method == "POST":
        form = MergeForm(request.POST, a=a, b=b)
        if form.is_valid():
            try:
                merge = services.person_merge(
                    pair=pair,
                    survivor_id=form.survivor_id(),
                    choices=form.choices(),
                    expected_versions=form.expected_versions(),
                    actor=actor,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The two records are now one."))
                return redirect("duplicates:merge_detail", org=org, merge_id=merge.pk)
    else:
        form = MergeForm(a=a, b=b)
    services.pair_view_record(pair=pair, actor=actor)
    return render(
        request,
        "duplicates/pair_detail.html",
        {
            "organisation": membership.organisation,
            "pair": pair,
            "a": a,
            "b": b,
            "rows": field_rows(a, b),
            "evidence": evidence_of(pair.comparisons),
            "form": form,
            "decision_choices": (Decision.NOT_SAME, Decision.LATER),
            "can_decide": may_decide(membership) and pair.decision != Decision.MERGED,
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_POST
@login_required
def pair_decide(request: HttpRequest, org: str, pair_id: int) -> HttpResponse:
    membership, pair = access_candidate_pair(request.user, org, pair_id, decide=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with this pair."))
        return redirect("duplicates:pair_detail", org=org, pair_id=pair.pk)
    try:
        services.pair_decide(
            pair=pair,
            decision=form.cleaned_data["decision"],
            expected_version=form.cleaned_data["version"],
            actor=request_actor(request, membership.organisation),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:queue", org=org)
    if form.cleaned_data["decision"] == Decision.NOT_SAME:
        messages.success(request, _("Noted: these records will not be suggested again."))
    else:
        messages.success(request, _("The pair stays in the queue, after the others."))
    return redirect("duplicates:queue", org=org)


@never_cache
@require_GET
@login_required
def merge_detail(request: HttpRequest, org: str, merge_id: int) -> HttpResponse:
    membership, merge = access_person_merge(request.user, org, merge_id, decide=False)
    services.merge_view_record(merge=merge, actor=request_actor(request, membership.organisation))
    return render(
        request,
        "duplicates/merge_detail.html",
        {
            "organisation": membership.organisation,
            "merge": merge,
            "can_decide": may_decide(membership),
        },
    )


@never_cache
@require_POST
@login_required
def merge_undo(request: HttpRequest, org: str, merge_id: int) -> HttpResponse:
    membership, merge = access_person_merge(request.user, org, merge_id, decide=True)
    try:
        services.person_merge_undo(
            merge=merge, actor=request_actor(request, membership.organisation)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:merge_detail", org=org, merge_id=merge.pk)
    messages.success(request, _("The merge was undone: both records are back as they were."))
    return redirect("duplicates:queue", org=org)
