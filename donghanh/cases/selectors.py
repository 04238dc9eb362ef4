"""Reads of cases, always scoped to what the user may see, and what follows from a case's data:
its legal regime, the support regimes the person is entitled to, the screening summary.

`cases_visible_to` is the single place that decides which cases a member sees; `access_case`
is the one way to fetch a case for a user. Opening a case for a user is audited by
`services.case_access_audited`, which does both at once.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeGuard

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.cases.models import (
    LAW_53_2024_IN_FORCE,
    Case,
    CaseAssignment,
    CaseRestriction,
    CaseStatusChange,
    CaseType,
    IdentificationStatus,
    LegalRegime,
    SupportGroup,
    SupportRegime,
    SupportRegimeRule,
    SupportRegimeTerm,
)
from donghanh.cases.registry import CASE_PAGE
from donghanh.core.editing import EditSpec
from donghanh.core.queries import CompiledRead, CompiledRows, Listing, every_field, one_of_text
from donghanh.core.text import fold
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.organisations.roles import Perm, Role, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people.models import Consent, Person
from donghanh.people.selectors import (
    NamePairs,
    NamePairSearch,
    NameWordsHeld,
    consent_in_force,
    name_pair_people,
    name_pair_search,
    name_pairs,
    name_search,
    name_words_held,
    organisation_name_search,
    person_name_search,
)
from donghanh.reference.codelists import (
    CONTROL_MEANS,
    COUNTRIES,
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
    IloAnswer,
)

# The fields each edit page changes, in the order the forms show them.
INTAKE_FIELDS = ("case_type", "intake_channel", "intake_date", "is_abroad", "intake_note")
SCREENING_FIELDS = (
    "origin_commune",
    "transit_countries",
    "destination_country",
    "departure_date",
    "return_date",
    "recruiter_relation",
    "recruiter_details",
    "journey_details",
    "exploitation_types",
    "control_means",
    "ilo_indicators",
    "screened_on",
    "screening_note",
)
IDENTIFICATION_FIELDS = (
    "identification_status",
    "identified_on",
    "identifying_organisation",
    "identifying_agency",
)
CASE_FIELDS = INTAKE_FIELDS + SCREENING_FIELDS + IDENTIFICATION_FIELDS

# Nationalities counted with Vietnamese citizens for support: stateless ("XX" also stands for
# not known, and a person whose nationality is not known is not turned away).
CITIZEN_OR_STATELESS = frozenset({"VN", "XX"})

_CASE_NUMBER = re.compile(r"^[A-Za-z0-9]{1,10}-\d{4}-\d{1,6}$")


_WORD = re.compile(r"[^\W_]+")


def case_number_prefix(organisation: Organisation) -> str:
    """A short readable prefix from the organisation's short name: "Bình Yên" → "BY".

    Words written in capitals (acronyms) and numbers are kept whole, other words give their
    initial: "CTXH 3" → "CTXH3", "Ngôi nhà Bình yên" → "NNBY".
    """
    parts = []
    for word in _WORD.findall(organisation.display_short_name):
        folded = fold(word).upper()
        if word.isdigit() or (word.isupper() and len(word) > 1):
            parts.append(folded)
        else:
            parts.append(folded[:1])
    prefix = "".join(part for part in parts if part.isascii())[:8]
    return prefix or "HS"


class CaseAccess(NamedTuple):
    membership: Membership
    case: Case


def roles_allowed(perm: Perm) -> list[str]:
    return [role for role in Role.values if role_allows(role, perm)]


def cases_visible_to(membership: Membership) -> QuerySet[Case]:
    """Every case of the member's organisation that the member may open.

    Supervisors and organisation administrators see all of them; case workers and
    collaborators the cases assigned to them and those given to an active team of theirs.
    A restricted case is seen only by the users
    named on it, whatever their role. Roles without case access see none.
    """
    cases = Case.objects.filter(organisation_id=membership.organisation_id)
    if not role_allows(membership.role, Perm.VIEW_CASES):
        return cases.none()
    named = Exists(
        CaseRestriction.objects.filter(case_id=OuterRef("pk"), user_id=membership.user_id)
    )
    if role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        return cases.filter(Q(is_restricted=False) | named)
    assigned = Exists(
        CaseAssignment.objects.filter(case_id=OuterRef("pk"), user_id=membership.user_id)
    )
    # A subquery, not a lookup of the member's teams first: the page's query count stays fixed.
    my_teams = Team.objects.filter(is_active=True, members=membership.pk).values("pk")
    # The rule below is an OR the database cannot start from, so with it alone a search that
    # matches few of the member's cases walks all the organisation's cases. The candidates (a
    # superset: assigned, of a team of theirs, or named) are a union of three index lookups
    # the database starts from instead; the rule itself still decides.
    candidates = (
        CaseAssignment.objects.filter(user_id=membership.user_id)
        .order_by()
        .values("case_id")
        .union(
            Case.objects.filter(organisation_id=membership.organisation_id, team_id__in=my_teams)
            .order_by()
            .values("pk"),
            CaseRestriction.objects.filter(user_id=membership.user_id).order_by().values("case_id"),
        )
    )
    return cases.filter(pk__in=candidates).filter(
        (Q(is_restricted=False) & (Q(assigned) | Q(team_id__in=my_teams))) | named
    )


def access_case(user: Any, org_slug: str, case_id: int, perm: Perm) -> CaseAccess:
    """The case, if the user's membership of the organisation allows `perm` on it.

    An outsider, or a case outside what the member may see, gets 404 as if it did not exist;
    a member whose role lacks `perm` or any case access gets 403 before any lookup.
    """
    membership = access_membership(user, org_slug, perm)
    if not role_allows(membership.role, Perm.VIEW_CASES):
        raise PermissionDenied
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        found = _access_read(membership.role)(
            membership.organisation_id, membership.user_id, case_id
        )
    else:
        found = _access_read(membership.role)(
            membership.organisation_id, membership.user_id, membership.pk, case_id
        )
    if len(found) != 1:
        raise Http404
    return CaseAccess(membership, found[0])


# The case a member opens, with what its page shows of it: one read per role (the visibility
# rule depends on it), compiled once per process; see `donghanh.core.queries`.
_ACCESS_READS: dict[str, CompiledRead[Case]] = {}


def _case_to_open(member: Membership, case_id: int) -> QuerySet[Case]:
    return (
        cases_visible_to(member)
        .select_related(
            "organisation",
            "person",
            "origin_commune__province",
            "identifying_organisation",
            "created_by",
            "team",
        )
        .filter(pk=case_id)
        .order_by()[:2]
    )


def _access_read(role: str) -> CompiledRead[Case]:
    read = _ACCESS_READS.get(role)
    if read is None:
        if role_allows(role, Perm.VIEW_ALL_ORG_CASES):

            def build(organisation_id: int, user_id: int, case_id: int) -> QuerySet[Case]:
                member = Membership(organisation_id=organisation_id, user_id=user_id, role=role)
                return _case_to_open(member, case_id)

            read = CompiledRead(build)
        else:

            def build_assigned(
                organisation_id: int, user_id: int, membership_id: int, case_id: int
            ) -> QuerySet[Case]:
                member = Membership(
                    pk=membership_id, organisation_id=organisation_id, user_id=user_id, role=role
                )
                return _case_to_open(member, case_id)

            read = CompiledRead(build_assigned)
        read = _ACCESS_READS.setdefault(role, read)
    return read


def cases_of_every_organisation() -> QuerySet[Case]:
    """Every case, only to find which of a user's organisations owns one (the API's
    `organisation_slug_of`) before `access_case` decides; never listed as such."""
    return Case.objects.all()


# The case page's reads of a case's workers, named users and history, by the case's id, each
# compiled once per process (`donghanh.core.queries`).
# Of the users, their names only (`display_name`).
_USER_NAMES = ("full_name", "username")
_assignments_of = CompiledRead(
    lambda case_id: (
        CaseAssignment.objects.filter(case_id=case_id)
        .select_related("user")
        .only(*every_field(CaseAssignment), *(f"user__{name}" for name in _USER_NAMES))
        .order_by("assigned_at", "id")
    )
)
_restrictions_of = CompiledRead(
    lambda case_id: (
        CaseRestriction.objects.filter(case_id=case_id)
        .select_related("user")
        .only(*every_field(CaseRestriction), *(f"user__{name}" for name in _USER_NAMES))
        .order_by("added_at", "id")
    )
)
_status_changes_of = CompiledRead(
    lambda case_id: (
        CaseStatusChange.objects.filter(case_id=case_id)
        .select_related("by")
        .only(*every_field(CaseStatusChange), *(f"by__{name}" for name in _USER_NAMES))
    )
)


def case_with_details(case: Case, rows: Mapping[str, list[Any]] | None = None) -> Case:
    """The workers, named users and status history of an accessed case, from the rows of
    `CASE_PAGE_READS` when the case page has read them with its sections; else in three
    queries, two for a case not restricted (restricting names its users; lifting it removes
    them all)."""
    if rows is None:
        rows = {
            "assignments": _assignments_of(case.pk),
            "restrictions": _restrictions_of(case.pk) if case.is_restricted else [],
            "status_changes": _status_changes_of(case.pk),
        }
    case.assignment_list = rows["assignments"]  # type: ignore[attr-defined]
    case.restriction_list = (  # type: ignore[attr-defined]
        rows["restrictions"] if case.is_restricted else []
    )
    case.status_change_list = rows["status_changes"]  # type: ignore[attr-defined]
    return case


# What the case page reads of the case itself besides the case, by name: run with its
# sections' reads as one statement (`donghanh.core.sections`) with `case_page_keys`.
_case_management_consents = CompiledRead(
    lambda person_id: Consent.objects.filter(
        person_id=person_id, purpose=Consent.Purpose.CASE_MANAGEMENT
    ).only("person_id", "purpose", "given_on", "expires_on", "withdrawn_at")
)
_regime_rules = CompiledRead(
    lambda legal_regime, support_group: SupportRegimeRule.objects.filter(
        legal_regime=legal_regime, group=support_group
    ).order_by("valid_from", "id")
)
_regime_terms = CompiledRead(
    lambda legal_regime, support_group: SupportRegimeTerm.objects.filter(
        legal_regime=legal_regime,
        regime__in=SupportRegimeRule.objects.filter(
            legal_regime=legal_regime, group=support_group
        ).values("regime"),
    ).order_by("valid_from", "id")
)
CASE_PAGE_READS: dict[str, CompiledRead[Any]] = {
    "assignments": _assignments_of,
    "restrictions": _restrictions_of,
    "status_changes": _status_changes_of,
    "consents": _case_management_consents,
    "rules": _regime_rules,
    "terms": _regime_terms,
}


def case_page_keys(membership: Membership, case: Case) -> dict[str, Any]:
    """The keys of the case page's reads (`CASE_PAGE_READS` and its sections'): the case, the
    member's organisation, the person, and the law and group that decide her support."""
    return {
        "case_id": case.pk,
        "organisation_id": membership.organisation_id,
        "person_id": case.person_id,
        "legal_regime": str(case.legal_regime or ""),
        "support_group": str(support_group_for(case) or ""),
    }


def case_page(membership: Membership, case: Case) -> dict[str, Any]:
    """What the case page shows of an accessed case besides its own fields: its workers,
    named users and history (on the case), the support she is entitled to, whether a consent
    to case management is in force, and the sections other apps add, all read in one
    statement (`CASE_PAGE_READS` with the sections' reads, `donghanh.core.sections`)."""
    own, sections = CASE_PAGE.bound_with_reads(
        membership, case, keys=case_page_keys(membership, case), reads=CASE_PAGE_READS
    )
    case_with_details(case, own)
    today = timezone.localdate()
    return {
        "screening": screening_summary(case),
        "support_group": support_group_for(case),
        "regimes": regimes_entitled_from(case, own["rules"], own["terms"], on=today),
        "has_consent": any(consent_in_force(consent, today) for consent in own["consents"]),
        "today": today,
        "sections": sections,
    }


def _overdue_work(today: datetime.date) -> Q:
    """Cases with an open plan action past its due date or a follow-up past its planned date.

    `next_due_on` is the earliest of those dates, refreshed by each casework service that
    writes an action or a follow-up (`donghanh.casework.duedates`).
    """
    return Q(next_due_on__lt=today)


def _in_province(organisation_id: int, province: str) -> Q:
    """Cases whose person lives in the province now, or whose journey began there.

    Two semi-joins each with an index of its own, (organisation, origin commune) covering id
    on cases and (organisation, current commune) covering id on people. PostgreSQL checks them
    case by case when few cases are in play (a name search, a case worker's cases) and as two
    hash sets built from those indexes when many are (a supervisor's count then reads the
    `case_org_visible` index alone). An OR over the two tables joined instead read every
    person of the database. A case's person is of the case's organisation (the services open
    a case for a person of the organisation), so limiting both to it keeps the meaning.
    """
    from_there = Case.objects.filter(
        pk=OuterRef("pk"), organisation_id=organisation_id, origin_commune__province_id=province
    )
    living_there = Person.objects.filter(
        pk=OuterRef("person_id"),
        organisation_id=organisation_id,
        current_commune__province_id=province,
    )
    return Q(Exists(from_there)) | Q(Exists(living_there))


# What a caseload row shows of a case, its person and team, and of its workers.
_CASELOAD_COLUMNS = (
    "organisation_id",  # which organisation, when several are listed (the API)
    "number",
    "case_type",
    "status",
    "identification_status",
    "opened_on",
    "updated_at",
    "is_restricted",
    "person__id",
    "person__full_name",
    "team__id",
    "team__name",
)


def _caseload_workers() -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.select_related("user").only(
        "case_id", "user__id", "user__full_name", "user__username"
    )


# A page of the caseload read by its cases' keys: each read compiled once per process for this
# many keys (`donghanh.core.queries`), a shorter list padded with its last key.
_ROWS_AT_ONCE = 25
_caseload_rows_of = CompiledRead(
    lambda *keys: (
        Case.objects.filter(pk__in=keys)
        .select_related("person", "team")
        .only(*_CASELOAD_COLUMNS)
        .order_by()
    )
)
_caseload_workers_of = CompiledRead(lambda *keys: _caseload_workers().filter(case_id__in=keys))


def _by_batches(read: CompiledRead[Any], keys: list[int]) -> list[Any]:
    found: list[Any] = []
    for start in range(0, len(keys), _ROWS_AT_ONCE):
        batch = keys[start : start + _ROWS_AT_ONCE]
        found += read(*batch, *[batch[-1]] * (_ROWS_AT_ONCE - len(batch)))
    return found


def caseload_rows(keys: list[int]) -> list[Case]:
    """The caseload's rows of the cases `keys` (in no order), with their workers: a page whose
    cases `caseload` chose, under the member's visibility rule and filters, by their keys
    (`CappedPaginator(keys_first=True, rows=caseload_rows)`). Two queries."""
    cases: list[Case] = _by_batches(_caseload_rows_of, list(dict.fromkeys(keys))) if keys else []
    caseload_workers(cases)
    return cases


def caseload_workers(cases: list[Case]) -> None:
    """Attach its workers to each case as `assignment_list` (what `caseload`'s prefetch gives),
    in one query compiled once."""
    if not cases:
        return
    workers: dict[int, list[CaseAssignment]] = {case.pk: [] for case in cases}
    for assignment in _by_batches(_caseload_workers_of, list(workers)):
        workers[assignment.case_id].append(assignment)
    for case in cases:
        case.assignment_list = workers[case.pk]  # type: ignore[attr-defined]


def caseload(
    membership: Membership,
    *,
    query: str = "",
    case_type: str = "",
    status: str = "",
    worker_id: int | None = None,
    team_id: int | None = None,
    province: str = "",
    overdue: bool = False,
    pairs: NamePairs | None = None,
) -> QuerySet[Case]:
    """The cases the member sees, filtered, with what the caseload page shows of them.

    `team_id` keeps the cases given to that team;
    `province` (today's code) matches where the person lives now or where the journey began;
    `overdue` keeps cases with a plan action or a follow-up past its date.

    `query` matches the person's names word by word without diacritics (through the blind
    indexes), each word whole or one letter off (exact matches first), or a case number exactly.
    `pairs`: the query's `caseload_name_pairs`, when an earlier step of the search has them.
    """
    return _caseload(
        membership,
        query=query,
        case_type=case_type,
        status=status,
        worker_id=worker_id,
        team_id=team_id,
        province=province,
        overdue_on=timezone.localdate() if overdue else None,
        pairs=pairs,
    )


def _caseload(
    membership: Membership,
    *,
    query: str,
    case_type: str,
    status: str,
    worker_id: int | None,
    team_id: int | None,
    province: str,
    overdue_on: datetime.date | None,
    pairs: NamePairs | None = None,
) -> QuerySet[Case]:
    cases = (
        cases_visible_to(membership)
        .select_related("person", "team")
        .only(*_CASELOAD_COLUMNS)
        .prefetch_related(
            Prefetch("assignments", queryset=_caseload_workers(), to_attr="assignment_list")
        )
    )
    if case_type:
        cases = cases.filter(case_type=case_type)
    if status:
        cases = cases.filter(status=status)
    if worker_id is not None:
        cases = cases.filter(
            Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), user_id=worker_id))
        )
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    if province:
        cases = cases.filter(_in_province(membership.organisation_id, province))
    if overdue_on is not None:
        cases = cases.filter(_overdue_work(overdue_on))
    query = query.strip()
    if query:
        # The person's name tokens are the case's organisation's (a referral moves them).
        # A member who sees the whole organisation's cases searches its people first.
        sees_all = role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES)
        search = name_search(
            query,
            person="person_id",
            organisation_id=membership.organisation_id if sees_all else None,
            pairs=pairs if sees_all else None,
        )
        match = Q(pk__in=[]) if search is None else search.match
        if _CASE_NUMBER.match(query):
            match |= Q(number=query.upper())
        cases = cases.filter(match)
        if search is not None:
            cases = cases.alias(
                name_exact=ExpressionWrapper(search.exact, output_field=BooleanField())
            ).order_by(F("name_exact").desc(), "-updated_at", "-id")
    return cases


def _caseload_listed(role: str) -> CompiledRead[Case]:
    """The caseload of a member of `role` without a name search, compiled once per combination
    of filters (an absent filter is a None, part of the read's shape)."""
    return _CASELOAD_LISTINGS.setdefault(role, CompiledRead(functools.partial(_listed_cases, role)))


def _listed_cases(
    role: str,
    organisation_id: int,
    user_id: int,
    membership_id: int | None,
    case_type: str | None,
    status: str | None,
    worker_id: int | None,
    team_id: int | None,
    province: str | None,
    overdue_on: datetime.date | None,
) -> QuerySet[Case]:
    """The caseload of a member of `role`, filtered, without a name search: what the compiled
    reads of the caseload build (`_caseload_listed`, `_named_read`)."""
    member = Membership(
        pk=membership_id, organisation_id=organisation_id, user_id=user_id, role=role
    )
    return _caseload(
        member,
        query="",
        case_type=case_type or "",
        status=status or "",
        worker_id=worker_id,
        team_id=team_id,
        province=province or "",
        overdue_on=overdue_on,
    ).prefetch_related(None)


_CASELOAD_LISTINGS: dict[str, CompiledRead[Case]] = {}


def caseload_listing(
    membership: Membership,
    *,
    cap: int | None,
    case_type: str = "",
    status: str = "",
    worker_id: int | None = None,
    team_id: int | None = None,
    province: str = "",
    overdue: bool = False,
) -> Listing[Case]:
    """`caseload` without a name search, as the caseload page lists it: its count (at most
    `cap` + 1) and each page of rows are reads compiled once per role and combination of
    filters, not built and compiled again on every request (for a case worker, whose visibility
    rule is the larger part of the query, that was about 30 % of the page's CPU). The rows come
    without their workers (`caseload_workers`)."""
    read, keys = _listed(
        membership,
        case_type=case_type,
        status=status,
        worker_id=worker_id,
        team_id=team_id,
        province=province,
        overdue=overdue,
    )
    return read.listing(*keys, cap=cap)


def _listed(
    membership: Membership,
    *,
    case_type: str,
    status: str,
    worker_id: int | None,
    team_id: int | None,
    province: str,
    overdue: bool,
) -> tuple[CompiledRead[Case], tuple[Any, ...]]:
    """The caseload's compiled read for the member's role, and its arguments for the filters."""
    read = _CASELOAD_LISTINGS.get(membership.role) or _caseload_listed(membership.role)
    # The membership's teams matter only to those who see no more than their own cases.
    sees_all = role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES)
    keys = (
        membership.organisation_id,
        membership.user_id,
        None if sees_all else membership.pk,
        case_type or None,
        status or None,
        worker_id,
        team_id,
        province or None,
        timezone.localdate() if overdue else None,
    )
    return read, keys


@dataclass(frozen=True)
class NewestNameSearch:
    """A page of a name search read newest first (`caseload_name_search_newest`).

    `keys`: the page's cases, in the caseload's order (exact matches first, then the most
    recently changed); `more`: whether any match comes after them; `count`: the number of
    matches, exact when `estimated` is False, otherwise estimated from the share of matches
    among the cases read and the number of cases the filters keep (`at_least`: that number
    was itself capped, so the matches are likely more); `exact_only`: `count` is the number of
    exact matches, the near ones not counted."""

    keys: list[int]
    more: bool
    count: int
    estimated: bool
    at_least: bool = False
    exact_only: bool = False


# The cases a newest-first name search reads at each step, and at most in all.
_NEWEST_STEPS = (100, 300, 1600)
# The cases read at least, once the page is found, to estimate the share of matches.
_NEWEST_SAMPLE = 400


def caseload_name_search_newest(
    membership: Membership,
    *,
    query: str,
    number: int,
    per_page: int,
    cap: int,
    case_type: str = "",
    status: str = "",
    worker_id: int | None = None,
    team_id: int | None = None,
    province: str = "",
    overdue: bool = False,
    pairs: NamePairs | None = None,
) -> NewestNameSearch | None:
    """Page `number` of `caseload(query=…)` for a name whose words are common among the
    filtered cases, read case by case, newest first, until the page's exact matches are found.
    When they are not found early (a rarer name), the page of a name of two words or more
    comes from the pairs of its words (`_by_pairs`); otherwise None, for `caseload` to rank
    every match. `pairs`: the query's `caseload_name_pairs`, for the ranked search to share.

    Only for a member who sees the whole organisation's cases. The count of matches is then
    estimated from their share among the cases read (`_NEWEST_SAMPLE` at least) and the number
    of cases the filters keep (PostgreSQL's estimate when far past
    `CASELOAD_NAME_SEARCH_EXACT_BELOW`, otherwise `caseload_listing`'s count, up to `cap`); it
    is exact when every filtered case was read, and every case is read when the filters keep
    no more than `CASELOAD_NAME_SEARCH_EXACT_BELOW`.

    A common name over a whole organisation ("nguyen" among 300,000 cases) matches tens of
    thousands of people: ranking and counting every match reads them all, where the page's
    exact matches are among its few hundred newest cases."""
    if _CASE_NUMBER.match(query.strip()) or not role_allows(
        membership.role, Perm.VIEW_ALL_ORG_CASES
    ):
        return None
    filters = _filters(case_type, status, worker_id, team_id, province, overdue)
    scan = _NewestScan.of(membership, query, filters)
    if scan is None:
        return None
    if pairs is None:
        pairs = caseload_name_pairs(membership, query)
    pairs_tried = False
    if province and pairs is not None and _far_past_exact(scan.planned_rows):
        # Few of the newest cases are of one province, so reading them newest first costs
        # more than the pairs of the name's words, among many cases: those first. Their
        # exact matches fewer than the page: every match ranked. Common: read newest first.
        found, pairs_tried = _pair_search(membership, query, pairs), True
        if found is not None:
            return _by_pairs(membership, found, pairs, number, per_page, filters)

    def from_pairs() -> NewestNameSearch | None:
        if pairs_tried or pairs is None:  # found common, or one word
            return None
        found = _pair_search(membership, query, pairs)
        return _by_pairs(membership, found, pairs, number, per_page, filters)

    needed = number * per_page + 1  # one more than the page, to know whether more follow
    budget = sum(_NEWEST_STEPS)
    for step in _NEWEST_STEPS:
        if not scan.read_more(step):
            return scan.ranked(number, per_page)  # every filtered case read: exact
        if len(scan.exact) >= needed:
            break
        # Stop early when the exact matches found so far say the page is far off.
        if len(scan.exact) * budget < needed * scan.read:
            return from_pairs()
    else:
        return from_pairs()
    # The share of matches estimated from a few hundred cases, not only the page's.
    if scan.read < _NEWEST_SAMPLE and not scan.read_more(_NEWEST_SAMPLE - scan.read):
        return scan.ranked(number, per_page)
    # How many cases the filters keep: PostgreSQL's own estimate when it is far past the
    # number below which every case is read; otherwise counted (up to the cap).
    planned = scan.planned_rows
    at_least = False
    if _far_past_exact(planned):
        kept = planned
    else:
        kept = caseload_listing(membership, cap=cap, **filters).count()
        if kept <= settings.CASELOAD_NAME_SEARCH_EXACT_BELOW:
            while scan.read_more(budget):
                pass
            return scan.ranked(number, per_page)
        if kept > cap:  # more than counted: the planner's estimate when it says more
            kept, at_least = (planned, False) if planned and planned > kept else (kept, True)
    bottom = (number - 1) * per_page
    matches = len(scan.exact) + len(scan.near)
    return NewestNameSearch(
        keys=scan.exact[bottom : bottom + per_page],
        more=True,
        count=max(matches, round(matches * kept / scan.read)),
        estimated=True,
        at_least=at_least,
    )


def _far_past_exact(planned: int | None) -> TypeGuard[int]:
    """Whether PostgreSQL's estimate of the filtered cases is far past the number below which
    a name search reads and counts every case (never on a database without an estimate)."""
    return planned is not None and planned > 5 * settings.CASELOAD_NAME_SEARCH_EXACT_BELOW


def caseload_name_pairs(membership: Membership, query: str) -> NamePairs | None:
    """The pairs of a caseload name search's words among the member's organisation's people
    (`name_pairs`), for each step of one search to share: their counts are asked once, when
    first needed. None for one word, a case number, or a member who sees only some cases
    (whose search checks her cases one by one)."""
    if _CASE_NUMBER.match(query.strip()) or not role_allows(
        membership.role, Perm.VIEW_ALL_ORG_CASES
    ):
        return None
    return name_pairs(query, organisation_id=membership.organisation_id)


def _pair_search(
    membership: Membership, query: str, pairs: NamePairs | None
) -> NamePairSearch | None:
    """The pairs of the name's words among the member's organisation's people, for a case's
    person; None for one word (no `pairs`) or common pairs (`name_pair_search`)."""
    if pairs is None:
        return None
    return name_pair_search(
        query,
        organisation_id=membership.organisation_id,
        most=settings.CASELOAD_NAME_PAIR_MOST,
        person="person_id",
        pairs=pairs,
    )


def _by_pairs(
    membership: Membership,
    search: NamePairSearch | None,
    pairs: NamePairs,
    number: int,
    per_page: int,
    filters: dict[str, Any],
) -> NewestNameSearch | None:
    """Page `number` of `caseload(query=…)` for a name of two words or more rarer among the
    filtered cases than the newest ones showed, from the people holding its rarest word with
    each other word (`search`, `_pair_search`); None when the pairs are common too, or the page
    reaches past the exact matches (the ranked search then finds the near ones in order): at
    once when no more people hold the rarest pair than the pages up to this one show
    (`pairs.fewest`, already counted), otherwise once the page is read.

    The page's cases are the exact matches, most recently changed first, as the ranked search
    orders them, and the count is theirs (`exact_only`), counted with the page: the names one
    letter off come after them, counted when the user asks (a count of them from the pairs
    alone missed up to half of them, names misspelt in two words, and cost more than the page).
    """
    if search is None or pairs.fewest <= number * per_page:
        return None

    def exact(
        cases: QuerySet[Case], organisation_id: int, texts: tuple[str, ...]
    ) -> QuerySet[Case]:
        people = name_pair_people("person_id", organisation_id, texts)
        return cases.filter(people).order_by("-updated_at", "-id")

    page = _named_page(
        membership, filters, ("pairs", len(search.held)), exact, search.held, number, per_page, 1
    )
    if len(page) <= per_page:
        return None
    return NewestNameSearch(
        keys=[key for key, _cases in page[:per_page]],
        more=True,
        count=page[0][1],
        estimated=True,
        exact_only=True,
    )


def caseload_name_ranked(
    membership: Membership,
    *,
    query: str,
    number: int,
    per_page: int,
    cap: int,
    case_type: str = "",
    status: str = "",
    worker_id: int | None = None,
    team_id: int | None = None,
    province: str = "",
    overdue: bool = False,
    pairs: NamePairs | None = None,
) -> NewestNameSearch | None:
    """Page `number` of `caseload(query=…)`, every match ranked as the caseload ranks them
    (exact matches first, then the most recently changed), with the number of matches, in one
    statement compiled once per role, combination of filters and shape of the name search
    (its digests the arguments; building and compiling it on each search cost about 3 ms of
    CPU). `pairs`: the query's `caseload_name_pairs`, when an earlier step has them.

    A member who sees the whole organisation's cases searches its people first (`name_search`
    with the organisation); the others' cases are checked one by one, as `caseload` does.

    None, for `caseload` itself, for a case number, a page past the last (the last one is then
    shown), or more matches than `cap` (counted only up to it)."""
    if _CASE_NUMBER.match(query.strip()):
        return None
    sees_all = role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES)
    search = name_search(
        query,
        person="person_id",
        organisation_id=membership.organisation_id if sees_all else None,
        pairs=pairs if sees_all else None,
    )
    if search is None or not search.near or not search.exact_groups:
        return None
    near, paired = len(search.near), search.paired

    def ranked(
        cases: QuerySet[Case], organisation_id: int, texts: tuple[str, ...]
    ) -> QuerySet[Case]:
        near_texts, exact_texts = texts[:near], texts[near:]
        name = (
            organisation_name_search(
                "person_id", organisation_id, near_texts, exact_texts, paired=paired
            )
            if sees_all
            else person_name_search("person_id", "organisation_id", near_texts, exact_texts)
        )
        return (
            cases.filter(name.match)
            .alias(name_exact=ExpressionWrapper(name.exact, output_field=BooleanField()))
            .order_by(F("name_exact").desc(), "-updated_at", "-id")
        )

    shape = ("ranked", sees_all, near, len(search.exact_groups), paired)
    groups = (*search.near, *search.exact_groups)
    filters = _filters(case_type, status, worker_id, team_id, province, overdue)
    page = _named_page(membership, filters, shape, ranked, groups, number, per_page, 0)
    if not page and number > 1:
        return None
    count = page[0][1] if page else 0
    if count > cap:
        return None
    return NewestNameSearch(
        keys=[key for key, _items in page],
        more=count > number * per_page,
        count=count,
        estimated=False,
    )


def _filters(
    case_type: str,
    status: str,
    worker_id: int | None,
    team_id: int | None,
    province: str,
    overdue: bool,
) -> dict[str, Any]:
    """The caseload's filters as `caseload` and `_listed` take them."""
    return {
        "case_type": case_type,
        "status": status,
        "worker_id": worker_id,
        "team_id": team_id,
        "province": province,
        "overdue": overdue,
    }


# What narrows the caseload's filtered cases to a name, from the organisation and the texts
# of the name's groups of digests (`core.queries.one_of_text`), in the order to show them.
_Named = Callable[[QuerySet[Case], int, tuple[str, ...]], QuerySet[Case]]


def _named_page(
    membership: Membership,
    filters: dict[str, Any],
    shape: tuple[Any, ...],
    named: _Named,
    groups: Sequence[Sequence[str]],
    number: int,
    per_page: int,
    extra: int,
) -> list[tuple[int, int]]:
    """Page `number` (and `extra` rows more) of the member's cases, filtered (`filters`, as
    `caseload` takes them) and narrowed by `named` to a name's `groups` of digests: each row's
    key and the number of cases in all. The read is compiled once per role, combination of
    filters and `shape` (what tells apart the `named` that build it), the groups given as one
    text each."""
    _listing, keys = _listed(membership, **filters)
    read = _named_read(membership.role, shape, named, len(keys))
    connection = connections[read.using]
    texts = [one_of_text(digests, connection) for digests in groups]
    sql, params = read.ordered_sql([*keys, *texts], ("pk", "named_items"))
    params[-2:] = [per_page + extra, (number - 1) * per_page]
    with connection.cursor() as cursor:
        # The read's own compiled SQL; every value is a parameter.
        cursor.execute(sql, params)
        return cursor.fetchall()


def _named_read(
    role: str, shape: tuple[Any, ...], named: _Named, listed: int
) -> CompiledRead[Case]:
    """The compiled read of `_named_page` for members of `role` and names of `shape`, whose
    first `listed` arguments are `_listed`'s keys."""
    read = _NAMED_READS.get((role, *shape))
    if read is not None:
        return read

    def build(*keys: Any) -> QuerySet[Case]:
        """`_listed`'s keys (the organisation first), then the texts of the name's groups."""
        cases = _listed_cases(role, *keys[:listed])
        return named(cases, keys[0], keys[listed:]).annotate(named_items=Window(Count("*")))

    return _NAMED_READS.setdefault((role, *shape), CompiledRead(build))


_NAMED_READS: dict[tuple[Any, ...], CompiledRead[Case]] = {}


class _NewestScan:
    """The filtered cases read newest first, a step at a time, each with how many words of
    the name its person holds (`name_words_held`): the exact matches and the others found.
    The cases' keys come from the caseload's own compiled read (`_listed`), in its order."""

    @classmethod
    def of(cls, membership: Membership, query: str, filters: dict[str, Any]) -> _NewestScan | None:
        """The scan of the filtered cases for the words of `query`; None without a name word."""
        read, keys = _listed(membership, **filters)
        connection = connections[read.using]
        quote = connection.ops.quote_name
        alias = quote("newest_cases")  # an alias no query of the project gives a table
        held = name_words_held(
            query,
            person_sql=f"{alias}.{quote('person_id')}",
            organisation_sql=f"{alias}.{quote('organisation_id')}",
            connection=connection,
        )
        return None if held is None else cls(read, keys, held, alias, connection)

    def __init__(
        self,
        read: CompiledRead[Case],
        keys: tuple[Any, ...],
        held: NameWordsHeld,
        alias: str,
        connection: Any,
    ) -> None:
        self.listed = read
        self.keys = keys
        self.held = held
        self.alias = alias
        self.connection = connection
        self.exact: list[int] = []
        self.near: list[int] = []
        self.read = 0

    def read_more(self, step: int) -> bool:
        """Read the next `step` cases; False once every filtered case has been read."""
        inner_sql, inner_params = self.listed.ordered_sql(
            self.keys, ("pk", "person_id", "organisation_id")
        )
        inner_params[-2:] = [step, self.read]
        # The step's cases first, then each one's name words, for those cases only. The
        # project's own compiled read and name tokens' SQL; every value is a parameter.
        sql = f"SELECT pk, {self.held.sql} FROM ({inner_sql}) {self.alias}"  # noqa: S608
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*self.held.params, *inner_params])
            rows = cursor.fetchall()
        self.read += len(rows)
        for pk, words in rows:
            if self.held.matches(words):
                (self.exact if self.held.exact(words) else self.near).append(pk)
        return len(rows) == step

    @functools.cached_property
    def planned_rows(self) -> int | None:
        """PostgreSQL's estimate of the number of filtered cases (None elsewhere), asked once."""
        return self.listed.estimate(self.keys)

    def ranked(self, number: int, per_page: int) -> NewestNameSearch:
        """Page `number` of every match, exact ones first, once every case has been read."""
        ranked = self.exact + self.near
        bottom = (number - 1) * per_page
        return NewestNameSearch(
            keys=ranked[bottom : bottom + per_page],
            more=len(ranked) > bottom + per_page,
            count=len(ranked),
            estimated=False,
        )


def case_id_numbered(organisation_id: int, number: str) -> int | None:
    """The id of the organisation's case numbered `number` (capitals or not), or None: another
    organisation's case is never found (the audit log's search by case number)."""
    return (
        Case.objects.filter(organisation_id=organisation_id, number=number.strip().upper())
        .values_list("pk", flat=True)
        .first()
    )


def cases_of_person(membership: Membership, person_id: int) -> list[Case]:
    """The person's cases that the member may open, newest first."""
    return list(
        cases_visible_to(membership)
        .filter(person_id=person_id)
        .only("number", "case_type", "status", "opened_on", "closed_on")
        .order_by("-opened_on", "-id")
    )


# --- What the cases app tells the people app (registered in `CasesConfig.ready()`) ---------


def person_visibility(membership: Membership) -> Q:
    """The people a member of a role with case access sees, as a filter on `Person`.

    Members who see all of the organisation's cases (supervisors, administrators) see all of
    its people, except the people of cases restricted to other users, unless they see
    another case of that person. Case workers and collaborators see the people of the cases
    they see, and the people they registered themselves who have no case yet.
    """
    seen_case = Exists(cases_visible_to(membership).filter(person_id=OuterRef("pk")))
    if role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        restricted_case = Exists(Case.objects.filter(person_id=OuterRef("pk"), is_restricted=True))
        return ~restricted_case | seen_case
    any_case = Exists(Case.objects.filter(person_id=OuterRef("pk")))
    return seen_case | (Q(created_by_id=membership.user_id) & ~any_case)


def person_page_cases(membership: Membership, person: Person) -> dict[str, Any]:
    """The person page's "Cases" section: the person's cases the member may open."""
    return {"cases": cases_of_person(membership, person.pk)}


def assignable_members(organisation_id: int) -> QuerySet[Membership]:
    """Active members who can work on cases: supervisors, case workers, collaborators."""
    return (
        Membership.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            user__is_active=True,
            role__in=roles_allowed(Perm.EDIT_CASES),
        )
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


def _workers_listed(members: QuerySet[Membership]) -> QuerySet[Membership]:
    # Keys and names only: a hundred members as model instances cost more than a page's rows.
    return members.values_list("user_id", "user__full_name", "user__username")  # type: ignore[return-value]


# The caseload filter's workers, read on every caseload page: compiled once per role.
_ALL_WORKERS = CompiledRows(
    lambda organisation_id: _workers_listed(assignable_members(organisation_id))
)
_WORKERS_OF_CASES: dict[str, CompiledRows] = {}


def caseload_worker_choices(membership: Membership) -> list[tuple[int, str]]:
    """The case workers the caseload's filter offers the member, `(user id, name)` by name.

    A member who sees the whole organisation's cases is offered everyone who can work on
    cases. A member who sees only some of them (their own, their teams') is offered the
    workers of those cases: any other worker's filter would find none of them, and in an
    organisation of a thousand staff the list of them all was most of the page's work.
    """
    if role_allows(membership.role, Perm.VIEW_ALL_ORG_CASES):
        rows = _ALL_WORKERS(membership.organisation_id)
    else:
        role = membership.role
        read = _WORKERS_OF_CASES.get(role)
        if read is None:

            def build(organisation_id: int, user_id: int, membership_id: int) -> QuerySet[Any]:
                member = Membership(
                    pk=membership_id, organisation_id=organisation_id, user_id=user_id, role=role
                )
                on_cases = CaseAssignment.objects.filter(
                    case_id__in=cases_visible_to(member).order_by().values("pk")
                ).values("user_id")
                return _workers_listed(
                    assignable_members(organisation_id).filter(user_id__in=on_cases)
                )

            read = _WORKERS_OF_CASES.setdefault(role, CompiledRows(build))
        rows = read(membership.organisation_id, membership.user_id, membership.pk)
    return [(user_id, full_name or username) for user_id, full_name, username in rows]


def users_of(memberships: QuerySet[Membership]) -> QuerySet[Any]:
    """The users of `memberships`, by name: the choices of the workers and restriction forms."""
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"))
        .order_by("full_name", "username")
    )


def team_choices(organisation_id: int, current_team_id: int | None = None) -> QuerySet[Team]:
    """The teams a case can be given to: the active ones, and the case's own team if any."""
    return Team.objects.filter(
        Q(is_active=True) | Q(pk=current_team_id), organisation_id=organisation_id
    ).order_by("name")


def nameable_members(organisation_id: int) -> QuerySet[Membership]:
    """Active members who may be named on a restricted case: anyone with case access."""
    return (
        Membership.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            user__is_active=True,
            role__in=roles_allowed(Perm.VIEW_CASES),
        )
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


# --- Law and support regimes -------------------------------------------------------------


def legal_regime_for(
    *, identified_on: datetime.date | None, intake_date: datetime.date
) -> LegalRegime:
    """The law whose support regime applies (Art. 63 of Law 53/2024).

    It follows the identification date; until a person is identified, the intake date.
    """
    reference = identified_on or intake_date
    if reference < LAW_53_2024_IN_FORCE:
        return LegalRegime.LAW_66_2011
    return LegalRegime.LAW_53_2024


def support_group_for(case: Case) -> SupportGroup | None:
    """The Art. 37 group the case's person belongs to, or None when no group applies."""
    if case.identification_status == IdentificationStatus.IDENTIFIED_VICTIM:
        if case.person.nationality in CITIZEN_OR_STATELESS:
            return SupportGroup.VICTIM_CITIZEN
        return SupportGroup.FOREIGN_VICTIM
    if case.case_type == CaseType.ACCOMPANYING_MINOR:
        return SupportGroup.ACCOMPANYING_MINOR
    if case.identification_status == IdentificationStatus.UNDERGOING:
        if case.is_abroad:
            return SupportGroup.UNDERGOING_ABROAD
        return SupportGroup.UNDERGOING_IN_VIETNAM
    return None


def _in_force(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


@dataclass(frozen=True)
class EntitledRegime:
    code: str
    label: str
    case_by_case: bool
    legal_basis: str
    term: SupportRegimeTerm | None


_REGIME_ORDER = {code: position for position, code in enumerate(SupportRegime.values)}


def regimes_entitled(case: Case, on: datetime.date | None = None) -> list[EntitledRegime]:
    """The Art. 37 regimes the case's person is entitled to on `on` (default today).

    Which regimes follows from the case's legal regime and the person's group, as configured
    in SupportRegimeRule rows in force that day; each comes with the rate, cap and
    responsible agency in force that day (SupportRegimeTerm), if configured. Two queries.
    """
    day = on or timezone.localdate()
    group = support_group_for(case)
    if group is None or not case.legal_regime:
        return []
    rules = list(
        SupportRegimeRule.objects.filter(
            _in_force(day), legal_regime=case.legal_regime, group=group
        ).order_by("valid_from", "id")
    )
    if not rules:
        return []
    terms = SupportRegimeTerm.objects.filter(
        _in_force(day), legal_regime=case.legal_regime, regime__in={rule.regime for rule in rules}
    ).order_by("valid_from", "id")
    return regimes_entitled_from(case, rules, list(terms), on=day)


def _in_force_on(row: SupportRegimeRule | SupportRegimeTerm, day: datetime.date) -> bool:
    """`_in_force` for a row already read."""
    return row.valid_from <= day and (row.valid_to is None or row.valid_to >= day)


def regimes_entitled_from(
    case: Case,
    rules: list[SupportRegimeRule],
    terms: list[SupportRegimeTerm],
    on: datetime.date | None = None,
) -> list[EntitledRegime]:
    """`regimes_entitled` from rules and terms already read, each list in the order of its
    start (the case page reads those of the case's law and group, whatever their dates)."""
    day = on or timezone.localdate()
    group = support_group_for(case)
    if group is None or not case.legal_regime:
        return []
    by_regime: dict[str, SupportRegimeRule] = {}
    for rule in rules:
        if rule.legal_regime != case.legal_regime or rule.group != group:
            continue
        if not _in_force_on(rule, day):
            continue
        known = by_regime.get(rule.regime)
        if known is None or (known.case_by_case and not rule.case_by_case):
            by_regime[rule.regime] = rule
    if not by_regime:
        return []
    by_term: dict[str, SupportRegimeTerm] = {}
    for term in terms:
        if (
            term.legal_regime == case.legal_regime
            and term.regime in by_regime
            and _in_force_on(term, day)
        ):
            by_term[term.regime] = term  # the most recent start wins
    rules_found, terms_found = by_regime, by_term
    labels = dict(SupportRegime.choices)
    return [
        EntitledRegime(
            code=code,
            label=str(labels[code]),
            case_by_case=rule.case_by_case,
            legal_basis=rule.legal_basis,
            term=terms_found.get(code),
        )
        for code, rule in sorted(
            rules_found.items(), key=lambda item: _REGIME_ORDER.get(item[0], 99)
        )
    ]


# --- Screening --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningSummary:
    total: int
    present: list[str]  # labels of the indicators answered "yes"
    absent: int
    unknown: int

    @property
    def present_count(self) -> int:
        return len(self.present)

    @property
    def answered(self) -> int:
        return self.present_count + self.absent

    @property
    def not_asked(self) -> int:
        return self.total - self.answered - self.unknown


def screening_summary(case: Case) -> ScreeningSummary:
    """How many of the 11 ILO indicators of forced labour are present, absent or not known."""
    answers = case.ilo_indicators or {}
    present = [code.label for code in ILO_INDICATORS if answers.get(code.code) == IloAnswer.YES]
    absent = sum(1 for code in ILO_INDICATORS if answers.get(code.code) == IloAnswer.NO)
    unknown = sum(1 for code in ILO_INDICATORS if answers.get(code.code) == IloAnswer.UNKNOWN)
    return ScreeningSummary(
        total=len(ILO_INDICATORS), present=present, absent=absent, unknown=unknown
    )


# --- Field values, for the edit conflict check --------------------------------------------


def case_field_display(case: Case, name: str) -> str:
    """A field's stored value as a page shows it: code lists by their labels."""
    value = getattr(case, name)
    if name == "transit_countries":
        return ", ".join(COUNTRIES.labels(value)) or "—"
    if name == "destination_country":
        return COUNTRIES.label(value) if value else "—"
    if name == "recruiter_relation":
        return RELATIONS_TO_TRAFFICKER.label(value) if value else "—"
    if name == "exploitation_types":
        return ", ".join(EXPLOITATION_TYPES.labels(value)) or "—"
    if name == "control_means":
        return ", ".join(CONTROL_MEANS.labels(value)) or "—"
    if name == "ilo_indicators":
        summary = screening_summary(case)
        return _("%(present)s of %(total)s indicators present") % {
            "present": summary.present_count,
            "total": summary.total,
        }
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if getattr(Case._meta.get_field(name), "choices", None):
        return str(getattr(case, f"get_{name}_display")())
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


# How a case is compared, named and shown for the stale-edit check. The purpose keeps the
# fingerprints of edit forms opened before the check moved to core.
CASE_EDITS = EditSpec.for_model(
    Case, fields=CASE_FIELDS, purpose="case-edit-baseline", display=case_field_display
)
