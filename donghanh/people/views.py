from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donghanh.core.actor import request_actor
from donghanh.core.editing import ConflictRow, StaleEditError, merge_after_conflict
from donghanh.core.forms import add_service_error
from donghanh.core.search_terms import search_redirect, search_terms_bound
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people import services
from donghanh.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    GuardianForm,
    PersonEditForm,
    PersonForm,
    PersonRegisterForm,
    PersonSearchForm,
)
from donghanh.people.models import Consent, Person
from donghanh.people.registry import PERSON_PAGE
from donghanh.people.selectors import (
    PERSON_EDITS,
    PersonAccess,
    access_consent,
    access_duplicate_notice,
    access_person,
    duplicate_notices_open,
    person_merged_into,
    person_with_details,
    persons_search,
    sharing_recipients,
)

PAGE_SIZE = 25
LIST_HIDDEN_FIELDS = (
    "other_names",
    "id_number",
    "phone",
    "current_address",
    "pre_2025_address",
)


def _open_person(request: HttpRequest, org: str, person_id: int, perm: Perm) -> PersonAccess:
    """Fetch the person through the access check and audit the opening of their record."""
    access = access_person(request.user, org, person_id, perm)
    services.person_view_record(
        person=access.person, actor=request_actor(request, access.membership.organisation)
    )
    return access


def _people_search_scope(membership: Membership) -> str:
    return f"people:{membership.organisation_id}"


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def person_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_CASES)
    if request.method == "POST":  # a search: the name goes to the session, not the address
        return search_redirect(
            request,
            scope=_people_search_scope(membership),
            url=reverse("people:person_list", kwargs={"org": org}),
        )
    bound = search_terms_bound(request, scope=_people_search_scope(membership))
    if bound.expired:
        messages.info(request, _("That search is no longer kept: search again."))
    form = PersonSearchForm(bound.data)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    # The list shows name, sex, age and commune: the other identity fields stay encrypted.
    persons = persons_search(membership, query).defer(*LIST_HIDDEN_FIELDS)
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    services.person_list_record(
        organisation=membership.organisation,
        searched=bool(query),
        shown=len(page.object_list),
        total=page.paginator.count,
        page=page.number,
        actor=request_actor(request, membership.organisation),
    )
    return render(
        request,
        "people/person_list.html",
        {
            "organisation": membership.organisation,
            "form": form,
            "query": query,
            "page": page,
            "can_edit": role_allows(membership.role, Perm.EDIT_CASES),
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def person_register(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.EDIT_CASES)
    form = PersonRegisterForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_register_once(
                actor=request_actor(request, membership.organisation),
                membership=membership,
                idempotency_key=form.cleaned_data["idempotency_key"],
                different_person=request.POST.get("confirm") == "different-person",
                **form.person_details(),
            )
        except services.PossibleDuplicates as stopped:
            duplicates = stopped.found
            services.person_duplicates_shown_record(
                organisation=membership.organisation,
                shown=len(duplicates.visible),
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Person registered."))
            return redirect("people:person_detail", org=org, person_id=person.pk)
    return render(
        request,
        "people/person_register.html",
        {"organisation": membership.organisation, "form": form, "duplicates": duplicates},
    )


@never_cache
@require_GET
@login_required
def person_detail(request: HttpRequest, org: str, person_id: int) -> HttpResponseBase:
    try:
        membership, person = _open_person(request, org, person_id, Perm.VIEW_CASES)
    except Http404:
        # A record merged into another one: its old address leads to the surviving record.
        membership = access_membership(request.user, org, Perm.VIEW_CASES)
        survivor = person_merged_into(membership, person_id)
        if survivor is None:
            raise
        return redirect("people:person_detail", org=org, person_id=survivor)
    return render(
        request,
        "people/person_detail.html",
        {
            "organisation": membership.organisation,
            "person": person_with_details(person),
            # The guardians and consents, and what other apps show here (the person's cases).
            "sections": PERSON_PAGE.bound(membership, person),
            "can_edit": role_allows(membership.role, Perm.EDIT_CASES),
            "today": timezone.localdate(),
        },
    )


def _edit_form_for(person: Person) -> PersonEditForm:
    return PersonEditForm(
        initial={**PersonForm.initial_for(person), **PERSON_EDITS.baseline_initial(person)}
    )


def _merged_after_conflict(
    person: Person, submitted: PersonEditForm, changed_by_others: list[str]
) -> tuple[PersonEditForm, list[ConflictRow]]:
    """The form to save again on top of the stored version, and what the other save changed."""
    merge = merge_after_conflict(
        PERSON_EDITS,
        record=person,
        submitted=cast(QueryDict, submitted.data),
        baseline=submitted.cleaned_data["baseline"],
        typed=submitted.person_details(),
        stored=PersonForm.initial_for(person),
        changed_by_others=changed_by_others,
    )
    return PersonEditForm(merge.data), merge.rows


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: HttpRequest, org: str, person_id: int) -> HttpResponse:
    membership, person = _open_person(request, org, person_id, Perm.EDIT_CASES)
    conflict_rows: list[ConflictRow] = []
    form = _edit_form_for(person) if request.method == "GET" else PersonEditForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.person_update(
                person=person,
                expected_version=form.cleaned_data["version"],
                baseline=form.cleaned_data["baseline"],
                actor=request_actor(request, membership.organisation),
                **form.person_details(),
            )
        except StaleEditError as error:
            person.refresh_from_db()
            form, conflict_rows = _merged_after_conflict(person, form, error.changed_fields)
            form.is_valid()
            form.add_error(None, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if updated.version == person.version:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Changes saved."))
            return redirect("people:person_detail", org=org, person_id=person.pk)
    return render(
        request,
        "people/person_edit.html",
        {
            "organisation": membership.organisation,
            "person": person,
            "form": form,
            "conflict_rows": conflict_rows,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def guardian_add(request: HttpRequest, org: str, person_id: int) -> HttpResponse:
    membership, person = _open_person(request, org, person_id, Perm.EDIT_CASES)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_add(
                person=person,
                actor=request_actor(request, membership.organisation),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Guardian added."))
            return redirect("people:person_detail", org=org, person_id=person.pk)
    return render(
        request,
        "people/guardian_add.html",
        {"organisation": membership.organisation, "person": person, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def consent_record(request: HttpRequest, org: str, person_id: int) -> HttpResponse:
    membership, person = _open_person(request, org, person_id, Perm.EDIT_CASES)
    is_minor = person.is_minor_on(timezone.localdate())
    form = ConsentForm(
        request.POST or None,
        initial={"given_by": Consent.GivenBy.GUARDIAN} if is_minor else None,
        guardians=person.guardians.all(),
        recipients=sharing_recipients(membership.organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                person=person,
                actor=request_actor(request, membership.organisation),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("people:person_detail", org=org, person_id=person.pk)
    return render(
        request,
        "people/consent_record.html",
        {
            "organisation": membership.organisation,
            "person": person,
            "form": form,
            "is_minor": is_minor,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def consent_withdraw(
    request: HttpRequest, org: str, person_id: int, consent_id: int
) -> HttpResponse:
    membership, person = _open_person(request, org, person_id, Perm.EDIT_CASES)
    consent = access_consent(person, consent_id)
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent,
                note=form.cleaned_data["note"],
                actor=request_actor(request, membership.organisation),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Consent withdrawn. Nothing more is shared or done under it.")
            )
        return redirect("people:person_detail", org=org, person_id=person.pk)
    return render(
        request,
        "people/consent_withdraw.html",
        {
            "organisation": membership.organisation,
            "person": person,
            "consent": consent,
            "form": form,
        },
    )


@never_cache
@require_GET
@login_required
def duplicate_notices(request: HttpRequest, org: str) -> HttpResponse:
    """The supervisors' queue: people of the organisation whom another organisation registered
    again, as far as the blind indexes tell (never who registered them, nor where)."""
    membership = access_membership(request.user, org, Perm.REVIEW_DUPLICATES)
    page = Paginator(duplicate_notices_open(membership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.duplicate_notices_view_record(
        organisation=membership.organisation,
        shown=len(page.object_list),
        actor=request_actor(request, membership.organisation),
    )
    return render(
        request,
        "people/duplicate_notices.html",
        {
            "organisation": membership.organisation,
            "page": page,
            "can_record_consent": role_allows(membership.role, Perm.EDIT_CASES),
        },
    )


@never_cache
@require_POST
@login_required
def duplicate_notice_dismiss(request: HttpRequest, org: str, notice_id: int) -> HttpResponse:
    membership, notice = access_duplicate_notice(request.user, org, notice_id)
    services.duplicate_notice_dismiss(
        notice=notice, actor=request_actor(request, membership.organisation)
    )
    messages.success(request, _("Notice dismissed."))
    return redirect("people:duplicate_notices", org=org)
