"""Savings and credit groups: `/api/v1/savings-groups/` (list), `…/{id}/` (a group and its
members), `…/{id}/members/{id}/`, `…/{id}/cycles/` and `…/cycles/{id}/`, a cycle's
`meetings/` (list, record a whole meeting) and one meeting, `…/{id}/measures/` (the group's
performance, cycle by cycle) and `/api/v1/savings-measures/` (programme by programme).

Everything goes through donghanh.livelihood.savings exactly as the group pages do:
`access_group` with the page's permission (seeing groups to read, recording them to record a
meeting; 404 outside the user's organisations, 403 without the permission), `MeetingForm` and
`meeting_record` for a meeting (so the ledger, the loan rules and the count of the box are
checked by the service, and nothing is saved unless all of it is valid), and the same audit
rows: a read that names the members (`group_view_record`) is written as on the pages.

Members' personal details follow the pages: names to those who see the group; her phone only
on her own record; her link with a case only to those who may open that case, while her
consent to the link is in force. The programme measures name the groups only to those who
see the groups; for the others (a donor viewer) small counts are suppressed as on the page.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.access import api_memberships, organisation_slug_of, organisation_slugs
from donghanh.api.pagination import PagePagination
from donghanh.api.serializers import (
    MoneyField,
    OutputSerializer,
    QueryParameters,
    error_responses,
    form_errors,
    query_parameters,
)
from donghanh.api.v1.cases import IDEMPOTENCY_KEY, KEY_HEADER
from donghanh.api.v1.persons import EditConflictSerializer
from donghanh.api.v1.projects import FigureSerializer
from donghanh.core.actor import request_actor
from donghanh.core.editing import StaleEditError
from donghanh.core.forms import service_error_body
from donghanh.livelihood.savings import selectors, services
from donghanh.livelihood.savings.forms import MeetingForm
from donghanh.livelihood.savings.lines import member_field
from donghanh.livelihood.savings.measures import CycleMeasures, Totals
from donghanh.livelihood.savings.models import (
    AttendanceStatus,
    CommitteeRole,
    Cycle,
    CycleStatus,
    EntryKind,
    FineReason,
    GrantReason,
    GroupMember,
    LeaveReason,
    Loan,
    LoanPurpose,
    LoanStatus,
    Meeting,
    MeetingFrequency,
    SavingsGroup,
)
from donghanh.livelihood.savings.selectors import GroupAccess, access_group
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows

VIEW = Perm.VIEW_SAVINGS_GROUPS
RECORD = Perm.RECORD_SAVINGS_GROUPS
# A count from 1 to 10 is published as "<11" to readers outside the work (as on the page).
SMALL_COUNT = 11


def _absolute(request: Any, path_: str) -> str:
    return request.build_absolute_uri(path_) if request is not None else path_


def _ratio(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


RATIO_HELP = "A ratio from 0 to 1 (0.25 is 25 %); null when there is nothing to divide by yet."


def _ratio_field(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=f"{help_text} {RATIO_HELP}")


def _money(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(help_text=f"{help_text} In Vietnamese đồng.".strip())


# Answers: groups and members.


class GroupSummarySerializer(OutputSerializer):
    """What the groups page shows of a group: no member's name."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField(help_text="The organisation's slug.")
    name = serializers.CharField()
    village = serializers.CharField()
    commune = serializers.CharField(
        source="commune_id", allow_null=True, help_text="Five-digit commune code (2025 units)."
    )
    commune_name = serializers.CharField(source="commune.name", allow_null=True)
    formed_on = serializers.DateField()
    is_active = serializers.BooleanField()
    project = serializers.IntegerField(
        source="project_id", allow_null=True, help_text="The programme (project) by id, if any."
    )
    members = serializers.IntegerField(source="member_count", help_text="Members today.")
    cycle_running = serializers.SerializerMethodField()
    loan_fund_cash = _money("Cash of the loan fund in the box.")
    social_fund_cash = _money("Cash of the social fund in the box.")
    cash_at_hand = _money("Cash in the box: both funds.")

    def get_url(self, group: SavingsGroup) -> str:
        path_ = reverse("api:savings_group_detail", kwargs={"group_id": group.pk})
        return _absolute(self.context.get("request"), path_)

    def get_organisation(self, group: SavingsGroup) -> str:
        slugs: dict[int, str] = self.context.get("organisation_slugs", {})
        return slugs.get(group.organisation_id) or group.organisation.slug

    def get_cycle_running(self, group: Any) -> bool:
        return bool(getattr(group, "open_cycle", 0))


class CaseLinkSerializer(OutputSerializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class MemberSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    number = serializers.IntegerField(help_text="Her number in the group.")
    full_name = serializers.CharField()
    joined_on = serializers.DateField()
    left_on = serializers.DateField(allow_null=True)
    left_reason = serializers.ChoiceField(choices=LeaveReason.choices, allow_blank=True)
    case = serializers.SerializerMethodField(
        help_text="Her case, when she linked it with her consent (still in force) and you may "
        "open it; null otherwise, whether or not there is a link."
    )

    def get_url(self, member: GroupMember) -> str:
        path_ = reverse(
            "api:savings_member_detail",
            kwargs={"group_id": member.group_id, "member_id": member.pk},
        )
        return _absolute(self.context.get("request"), path_)

    @extend_schema_field(CaseLinkSerializer(allow_null=True))
    def get_case(self, member: GroupMember) -> Any:
        links: dict[int, Any] = self.context.get("case_links", {})
        case = links.get(member.pk)
        return None if case is None else {"id": case.pk, "number": case.number}


class MemberDetailSerializer(MemberSerializer):
    phone = serializers.CharField()
    version = serializers.IntegerField(help_text="Goes up by one with every saved change.")


class CycleSummarySerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CycleStatus.choices)
    started_on = serializers.DateField()
    planned_end_on = serializers.DateField(help_text="The planned share-out.")
    ended_on = serializers.DateField(allow_null=True, help_text="When it was shared out.")
    meetings = serializers.IntegerField(source="meeting_count")

    def get_url(self, cycle: Cycle) -> str:
        path_ = reverse(
            "api:savings_cycle_detail", kwargs={"group_id": cycle.group_id, "cycle_id": cycle.pk}
        )
        return _absolute(self.context.get("request"), path_)


class GroupSerializer(GroupSummarySerializer):
    """A group as its page shows it, with its members (their names: the read is audited)."""

    facilitator = serializers.CharField(
        source="facilitator.display_name",
        allow_null=True,
        help_text="The Women's Union officer who runs it with its committee; null: none.",
    )
    ledger_version = serializers.IntegerField(
        help_text="Goes up with every movement of money: send it with a meeting to record."
    )
    version = serializers.IntegerField(help_text="Goes up by one with every saved change.")
    member_list = MemberSerializer(many=True, help_text="Those who stayed first, by number.")
    cycles = CycleSummarySerializer(many=True, source="cycle_list", help_text="Latest first.")
    measures_url = serializers.SerializerMethodField()

    def get_measures_url(self, group: SavingsGroup) -> str:
        path_ = reverse("api:savings_group_measures", kwargs={"group_id": group.pk})
        return _absolute(self.context.get("request"), path_)


# Answers: cycles.


class CommitteeSeatSerializer(OutputSerializer):
    member = serializers.IntegerField(source="member_id")
    number = serializers.IntegerField(source="member.number", help_text="Her number.")
    role = serializers.ChoiceField(choices=CommitteeRole.choices)


class LoanSerializer(OutputSerializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField(source="member_id")
    meeting = serializers.IntegerField(source="meeting_id", help_text="The meeting it was made at.")
    principal = _money("Lent.")
    interest = _money("Interest over the term.")
    interest_bp = serializers.IntegerField(
        help_text="Monthly interest in hundredths of a percent (flat)."
    )
    months = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=LoanPurpose.choices)
    disbursed_on = serializers.DateField()
    due_on = serializers.DateField()
    principal_repaid = _money()
    interest_repaid = _money()
    outstanding = _money("Still owed, principal and interest.")
    due_now = serializers.SerializerMethodField(
        help_text="What her schedule asks by today that she has not paid, in đồng."
    )
    status = serializers.ChoiceField(choices=LoanStatus.choices)
    repaid_on = serializers.DateField(allow_null=True)

    def get_due_now(self, loan: Loan) -> int:
        return selectors.due_by(loan, timezone.localdate())


class CycleSerializer(CycleSummarySerializer):
    """A cycle with its constitution, committee, loans and money by kind."""

    share_price = _money()
    min_shares = serializers.IntegerField(help_text="Fewest shares a member buys at a meeting.")
    max_shares = serializers.IntegerField(help_text="Most shares a member buys at a meeting.")
    meeting_frequency = serializers.ChoiceField(choices=MeetingFrequency.choices)
    interest_bp = serializers.IntegerField(
        help_text="Monthly interest in hundredths of a percent, flat on the amount lent."
    )
    loan_multiple = serializers.IntegerField(help_text="Loan limit, as a multiple of savings.")
    max_loan = _money("The largest loan.")
    max_loan_months = serializers.IntegerField()
    social_contribution = _money("Social fund contribution at each meeting.")
    fine_absence = _money()
    fine_late = _money()
    fine_late_repayment = _money()
    share_out_fund = serializers.IntegerField(
        allow_null=True, help_text="Loan fund shared out, in đồng (after the share-out)."
    )
    share_out_shares = serializers.IntegerField(allow_null=True)
    share_out_remainder = serializers.IntegerField(
        allow_null=True, help_text="Left in the box after rounding, in đồng."
    )
    version = serializers.IntegerField()
    committee = CommitteeSeatSerializer(many=True, source="committee_list")
    loans = LoanSerializer(many=True, source="loan_list")
    totals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The cycle's money by kind of ledger entry (the codes of `EntryKindEnum`), "
        "in đồng.",
    )


# Answers: meetings.


class MeetingSummarySerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    number = serializers.IntegerField()
    held_on = serializers.DateField()
    is_share_out = serializers.BooleanField()
    cash_counted = serializers.IntegerField(
        allow_null=True, help_text="What the money counters counted, in đồng, when they did."
    )
    loan_fund_after = _money("The loan fund at the close.")
    social_fund_after = _money("The social fund at the close.")
    cash_after = _money("Cash in the box at the close.")
    recorded_at = serializers.DateTimeField()

    def get_url(self, meeting: Meeting) -> str:
        cycle = meeting.cycle
        path_ = reverse(
            "api:savings_meeting_detail",
            kwargs={"group_id": cycle.group_id, "cycle_id": cycle.pk, "meeting_id": meeting.pk},
        )
        return _absolute(self.context.get("request"), path_)


class MeetingListItemSerializer(MeetingSummarySerializer):
    present = serializers.IntegerField(help_text="Members present, late or represented.")


class EntrySerializer(OutputSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    amount = _money()
    shares = serializers.IntegerField()
    fine_reason = serializers.ChoiceField(choices=FineReason.choices, allow_blank=True)
    grant_reason = serializers.ChoiceField(choices=GrantReason.choices, allow_blank=True)
    loan = serializers.IntegerField(source="loan_id", allow_null=True)


class MeetingLineSerializer(OutputSerializer):
    member = serializers.IntegerField()
    number = serializers.IntegerField(help_text="Her number in the group.")
    attendance = serializers.ChoiceField(choices=AttendanceStatus.choices, allow_null=True)
    entries = EntrySerializer(many=True, help_text="The money she handed over or received.")
    loan = serializers.IntegerField(allow_null=True, help_text="The loan made to her, by id.")


class MeetingSerializer(MeetingSummarySerializer):
    lines = MeetingLineSerializer(many=True, help_text="Member by member, by number.")


# Answers: measures.


class CycleMeasuresSerializer(OutputSerializer):
    cycle = serializers.IntegerField(source="cycle.pk")
    cycle_number = serializers.IntegerField(source="cycle.number")
    status = serializers.ChoiceField(source="cycle.status", choices=CycleStatus.choices)
    on = serializers.DateField(help_text="As of this day (the share-out, for a cycle shared out).")
    days = serializers.IntegerField(help_text="Days the cycle had run by then.")
    savings = _money("Shares bought less savings returned.")
    profit = _money("Interest and fines received.")
    return_on_savings = _ratio_field("Profit ÷ savings.")
    annualised_return = _ratio_field("Return on savings scaled to a year (× 365 ÷ days).")
    outstanding = _money("Principal lent and not yet repaid.")
    loan_fund_cash = _money("The loan fund's cash.")
    utilisation = _ratio_field("Loan fund utilisation: outstanding ÷ (outstanding + cash).")
    utilisation_average = _ratio_field("Utilisation averaged over the cycle's meetings.")
    at_risk = _money("Principal still owed on loans more than 30 days overdue.")
    portfolio_at_risk = _ratio_field("Portfolio at risk (30 days): at risk ÷ outstanding.")
    loans_made = serializers.IntegerField()
    loans_late = serializers.IntegerField(help_text="Repaid after their due date, or still owed.")
    attended = serializers.IntegerField()
    expected = serializers.IntegerField()
    attendance = _ratio_field("Members present or late ÷ members expected, over the meetings.")
    members_at_start = serializers.IntegerField()
    joined = serializers.IntegerField()
    left = serializers.IntegerField()
    members_now = serializers.IntegerField()
    drop_out = _ratio_field("Members who left ÷ members at the start and who joined.")

    def to_representation(self, instance: CycleMeasures) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        for name in (
            "return_on_savings",
            "annualised_return",
            "utilisation",
            "utilisation_average",
            "portfolio_at_risk",
            "attendance",
            "drop_out",
        ):
            data[name] = _ratio(getattr(instance, name))
        return data


class GroupMeasuresSerializer(OutputSerializer):
    group = serializers.IntegerField()
    on = serializers.DateField()
    cycles = CycleMeasuresSerializer(many=True, help_text="Oldest first.")


class ProgrammeSerializer(OutputSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TotalsSerializer(OutputSerializer):
    groups = FigureSerializer(help_text="Groups measured.")
    members = FigureSerializer(help_text="Their members today.")
    savings = _money("Savings mobilised.")
    profit = _money()
    outstanding = _money("Loans outstanding (principal).")
    annualised_return = _ratio_field("The groups' annualised returns weighted by their savings.")
    utilisation = _ratio_field("Loan fund utilisation.")
    portfolio_at_risk = _ratio_field("Portfolio at risk (30 days).")
    attendance = _ratio_field("Attendance.")
    drop_out = _ratio_field("Drop-out.")


class ProgrammeGroupSerializer(OutputSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    measures = CycleMeasuresSerializer(help_text="By its running cycle or, between, its last.")


class ProgrammeMeasuresSerializer(OutputSerializer):
    organisation = serializers.CharField(help_text="The organisation's slug.")
    project = ProgrammeSerializer(allow_null=True, help_text="Null: the groups in no programme.")
    suppressed = serializers.BooleanField(
        help_text="Counts from 1 to 10 are hidden (`<11`): you see totals only."
    )
    totals = TotalsSerializer()
    groups = ProgrammeGroupSerializer(
        many=True, allow_null=True, help_text="Group by group; null when you see totals only."
    )


class ProgrammeMeasuresListSerializer(OutputSerializer):
    on = serializers.DateField()
    results = ProgrammeMeasuresSerializer(many=True)


# Requests.


class OrganisationQuery(QueryParameters):
    organisation = serializers.SlugField(
        required=False,
        help_text="Only this organisation (its slug); by default every organisation where you "
        "may see them.",
    )


class MeetingLineRequestSerializer(serializers.Serializer):
    """One member's line of the meeting-day page's form (`MeetingForm`), whose rules apply."""

    member = serializers.IntegerField(help_text="The member, by id.")
    attendance = serializers.ChoiceField(choices=AttendanceStatus.choices)
    shares = serializers.IntegerField(
        required=False, min_value=0, default=0, help_text="Shares she bought."
    )
    social = serializers.BooleanField(
        required=False, default=False, help_text="She paid the social fund contribution."
    )
    repayment = MoneyField(required=False, allow_null=True, help_text="Repaid on her loan.")
    fine_reason = serializers.ChoiceField(
        choices=FineReason.choices, required=False, allow_blank=True
    )
    fine_amount = MoneyField(
        required=False,
        allow_null=True,
        help_text="The fine; left out: the amount in the constitution.",
    )
    loan_amount = MoneyField(required=False, allow_null=True, help_text="A new loan to her.")
    loan_months = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    loan_purpose = serializers.ChoiceField(
        choices=LoanPurpose.choices, required=False, allow_blank=True
    )
    grant_amount = MoneyField(
        required=False, allow_null=True, help_text="A grant to her from the social fund."
    )
    grant_reason = serializers.ChoiceField(
        choices=GrantReason.choices, required=False, allow_blank=True
    )


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField(help_text="After the cycle's last meeting, not in the future.")
    ledger_version = serializers.IntegerField(
        min_value=1,
        help_text="The group's `ledger_version` as you read it: refused (409) when money was "
        "recorded since, as the loans and balances you saw have changed.",
    )
    cash_counted = MoneyField(
        required=False,
        allow_null=True,
        help_text="What the money counters counted in the box at the end; refused when it "
        "differs from the records. Left out: not counted.",
    )
    lines = MeetingLineRequestSerializer(
        many=True,
        help_text="One line for each member of the group on the meeting day (joined by then "
        "and not left), once each.",
    )


# Helpers.


def _open_group(request: Request, group_id: int, perm: Perm) -> GroupAccess:
    """The group through the page's access check."""
    org_slug = organisation_slug_of(
        request.user, selectors.groups_of_every_organisation(), group_id, perm
    )
    return access_group(request.user, org_slug, group_id, perm)


def _viewed(request: Request, access: GroupAccess, members: int) -> None:
    """The audit row of a read that names `members` of the group, as the pages write it."""
    services.group_view_record(
        actor=request_actor(request._request, access.group.organisation),
        group=access.group,
        members=members,
    )


def _meeting_answer(access: GroupAccess, meeting: Meeting) -> Meeting:
    """The meeting with its lines, member by member (ids and numbers, no names)."""
    detail = selectors.meeting_detail(meeting)
    numbers = {member.pk: member.number for member in selectors.members_of(access.group)}
    ids = sorted(set(detail.attendance) | set(detail.entries), key=lambda pk: numbers[pk])
    meeting.lines = [  # type: ignore[attr-defined]
        {
            "member": pk,
            "number": numbers[pk],
            "attendance": detail.attendance.get(pk),
            "entries": detail.entries.get(pk, []),
            "loan": detail.loans[pk].pk if pk in detail.loans else None,
        }
        for pk in ids
    ]
    return meeting


_MEMBER_FIELD = re.compile(r"^m(\d+)-(\w+)$")


def _by_line(errors: dict[str, list[str]], order: dict[int, int], count: int) -> dict[str, Any]:
    """The form's or the service's errors with each member's field under her line:
    `{"lines": [{}, {"shares": [...]}, …]}`, the others as they are."""
    body: dict[str, Any] = {}
    lines: list[dict[str, list[str]]] = [{} for _ in range(count)]
    for name, messages in errors.items():
        found = _MEMBER_FIELD.match(name)
        if found and int(found.group(1)) in order:
            lines[order[int(found.group(1))]].setdefault(found.group(2), []).extend(messages)
        else:
            body.setdefault(name, []).extend(messages)
    if any(lines):
        body["lines"] = lines
    return body


def _meeting_form_data(data: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {
        "held_on": data["held_on"].isoformat(),
        "ledger_version": str(data["ledger_version"]),
        "cash_counted": "" if data.get("cash_counted") is None else str(data["cash_counted"]),
    }
    for line in data["lines"]:
        member = line["member"]
        for part, value in line.items():
            if part == "member" or value is None or value == "" or value is False:
                continue
            values[member_field(member, part)] = "on" if value is True else str(value)
    return values


def _measures_row(membership: Membership, programme: selectors.ProgrammeMeasures) -> dict[str, Any]:
    sees_groups = role_allows(membership.role, VIEW)
    totals: Totals = programme.totals
    project = programme.project

    def count(value: int) -> dict[str, Any]:
        hidden = not sees_groups and 0 < value < SMALL_COUNT
        return {
            "value": None if hidden else float(value),
            "text": "<11" if hidden else str(value),
            "suppressed": hidden,
        }

    return {
        "organisation": membership.organisation.slug,
        "project": None
        if project is None
        else {"id": project.pk, "code": project.code, "name": project.name},
        "suppressed": not sees_groups,
        "totals": {
            "groups": count(totals.groups),
            "members": count(totals.members),
            "savings": totals.savings,
            "profit": totals.profit,
            "outstanding": totals.outstanding,
            "annualised_return": _ratio(totals.annualised_return),
            "utilisation": _ratio(totals.utilisation),
            "portfolio_at_risk": _ratio(totals.portfolio_at_risk),
            "attendance": _ratio(totals.attendance),
            "drop_out": _ratio(totals.drop_out),
        },
        "groups": [
            {"id": group.pk, "name": group.name, "measures": measures}
            for group, measures in programme.groups
        ]
        if sees_groups
        else None,
    }


# Endpoints: groups and members.


class GroupListView(APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List savings groups",
        parameters=[OrganisationQuery],
        responses={200: GroupSummarySerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        params = OrganisationQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        memberships = api_memberships(
            request.user, VIEW, params.validated_data.get("organisation", "")
        )
        groups = selectors.groups_of_organisations([m.organisation_id for m in memberships])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(groups, request, view=self)
        answer = GroupSummarySerializer(
            page,
            many=True,
            context={"request": request, "organisation_slugs": organisation_slugs(memberships)},
        )
        return paginator.get_paginated_response(answer.data)


class GroupDetailView(APIView):
    @extend_schema(
        summary="Read a savings group, with its members and cycles",
        responses={200: GroupSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        group = access.group
        members = selectors.members_of(group)
        _viewed(request, access, len(members))
        cycles = selectors.cycles_of(group)
        group.member_count = sum(1 for m in members if m.left_on is None)  # type: ignore[attr-defined]
        group.open_cycle = any(c.status == CycleStatus.OPEN for c in cycles)  # type: ignore[attr-defined]
        group.member_list = members  # type: ignore[attr-defined]
        group.cycle_list = cycles  # type: ignore[attr-defined]
        context = {
            "request": request,
            "case_links": selectors.visible_case_links(access.membership, members),
        }
        return Response(GroupSerializer(group, context=context).data)


class MemberDetailView(APIView):
    @extend_schema(
        summary="Read a member of a savings group",
        responses={200: MemberDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int, member_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        member = selectors.access_member(access.group, member_id)
        _viewed(request, access, 1)
        context = {
            "request": request,
            "case_links": selectors.visible_case_links(access.membership, [member]),
        }
        return Response(MemberDetailSerializer(member, context=context).data)


# Endpoints: cycles and meetings.


class CycleListView(APIView):
    @extend_schema(
        summary="List the cycles of a savings group",
        responses={200: CycleSummarySerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        cycles = selectors.cycles_of(access.group)
        return Response(
            CycleSummarySerializer(cycles, many=True, context={"request": request}).data
        )


class CycleDetailView(APIView):
    @extend_schema(
        summary="Read a cycle: its constitution, committee, loans and money",
        responses={200: CycleSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int, cycle_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        cycle = selectors.access_cycle(access.group, cycle_id)
        cycle.meeting_count = len(selectors.meetings_of(cycle))  # type: ignore[attr-defined]
        cycle.committee_list = selectors.committee_of(cycle)  # type: ignore[attr-defined]
        cycle.loan_list = selectors.loans_of(cycle)  # type: ignore[attr-defined]
        cycle.totals = selectors.cycle_totals(cycle)  # type: ignore[attr-defined]
        answer = CycleSerializer(cycle, context={"request": request}).data
        return Response(answer)


class MeetingListView(APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List the meetings of a cycle",
        responses={200: MeetingListItemSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int, cycle_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        cycle = selectors.access_cycle(access.group, cycle_id)
        meetings = selectors.meetings_of(cycle)
        for meeting in meetings:
            meeting.cycle = cycle
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(meetings, request, view=self)
        answer = MeetingListItemSerializer(page, many=True, context={"request": request})
        return paginator.get_paginated_response(answer.data)

    @extend_schema(
        summary="Record a whole meeting of a cycle",
        description="As the meeting-day page: attendance, social fund contributions, shares, "
        "repayments, fines, grants, then new loans from what the box holds by then. Nothing "
        "is saved unless all of it is valid; a member's refusal is under her line "
        '(`{"lines": [{}, {"loan_amount": ["…"]}]}`).',
        request=MeetingCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(
                MeetingSerializer,
                description="The meeting was recorded (or, for a request repeated with the "
                "same Idempotency-Key, the meeting the first one recorded).",
            ),
            **error_responses(400, 401, 403, 404),
            409: OpenApiResponse(
                EditConflictSerializer,
                description="Money of the group was recorded after the `ledger_version` you "
                "sent: nothing was saved. Read the group and its loans again.",
            ),
        },
    )
    def post(self, request: Request, group_id: int, cycle_id: int) -> Response:
        # As on the page, the group is opened (and the permission checked) before the form.
        access = _open_group(request, group_id, RECORD)
        cycle = selectors.access_cycle(access.group, cycle_id)
        payload = MeetingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not cycle.is_open:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("This cycle has been shared out: it has no more meetings.")
                    ]
                }
            )
        sent = [line["member"] for line in data["lines"]]
        members = selectors.meeting_members(cycle, data["held_on"])
        if len(set(sent)) != len(sent) or set(sent) != {member.pk for member in members}:
            raise serializers.ValidationError(
                {
                    "lines": [
                        _(
                            "Send one line for each member of the group on the meeting day "
                            "(joined by then and not left), once each: read the group again."
                        )
                    ]
                }
            )
        order = {member: index for index, member in enumerate(sent)}
        loans = selectors.active_loans(cycle)
        form = MeetingForm(
            _meeting_form_data(data),
            cycle=cycle,
            members=members,
            loans=loans,
            due=selectors.loans_due(loans, data["held_on"]),
        )
        if not form.is_valid():
            raise serializers.ValidationError(_by_line(form_errors(form), order, len(sent)))
        try:
            meeting = services.meeting_record(
                actor=request_actor(request._request, access.group.organisation),
                cycle=cycle,
                held_on=form.cleaned_data["held_on"],
                lines=form.lines(),
                cash_counted=form.cleaned_data["cash_counted"],
                expected_ledger_version=form.cleaned_data["ledger_version"],
                idempotency_key=request.headers.get(KEY_HEADER, ""),
            )
        except StaleEditError as error:
            return Response(
                error.as_api_body(data["ledger_version"]), status=status.HTTP_409_CONFLICT
            )
        except ValidationError as error:
            raise serializers.ValidationError(
                _by_line(service_error_body(error), order, len(sent))
            ) from None
        meeting = selectors.access_meeting(cycle, meeting.pk)
        answer = MeetingSerializer(_meeting_answer(access, meeting), context={"request": request})
        return Response(
            answer.data, status=status.HTTP_201_CREATED, headers={"Location": answer.data["url"]}
        )


class MeetingDetailView(APIView):
    @extend_schema(
        summary="Read a meeting, member by member",
        responses={200: MeetingSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int, cycle_id: int, meeting_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        cycle = selectors.access_cycle(access.group, cycle_id)
        meeting = selectors.access_meeting(cycle, meeting_id)
        answer = MeetingSerializer(_meeting_answer(access, meeting), context={"request": request})
        return Response(answer.data)


# Endpoints: measures.


class GroupMeasuresView(APIView):
    @extend_schema(
        summary="The performance measures of a savings group, cycle by cycle",
        responses={200: GroupMeasuresSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, group_id: int) -> Response:
        access = _open_group(request, group_id, VIEW)
        cycles = list(reversed(selectors.cycles_of(access.group)))
        for cycle in cycles:
            cycle.group = access.group
        today = timezone.localdate()
        measures = selectors.measures_of_cycles(cycles, today)
        return Response(
            GroupMeasuresSerializer(
                {"group": access.group.pk, "on": today, "cycles": measures}
            ).data
        )


class ProgrammeMeasuresView(APIView):
    @extend_schema(
        summary="The savings groups' measures, programme by programme",
        parameters=[OrganisationQuery],
        responses={200: ProgrammeMeasuresListSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        params = OrganisationQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        memberships = api_memberships(
            request.user, Perm.VIEW_AGGREGATES, params.validated_data.get("organisation", "")
        )
        today = timezone.localdate()
        rows = [
            _measures_row(membership, programme)
            for membership in memberships
            for programme in selectors.programme_measures(membership.organisation_id, today)
        ]
        return Response(ProgrammeMeasuresListSerializer({"on": today, "results": rows}).data)


G = "savings-groups/<int:group_id>/"
C = G + "cycles/<int:cycle_id>/"

# Included from donghanh/api/v1/urls.py.
urlpatterns = [
    path("savings-groups/", GroupListView.as_view(), name="savings_group_list"),
    path(G, GroupDetailView.as_view(), name="savings_group_detail"),
    path(G + "members/<int:member_id>/", MemberDetailView.as_view(), name="savings_member_detail"),
    path(G + "cycles/", CycleListView.as_view(), name="savings_cycle_list"),
    path(C, CycleDetailView.as_view(), name="savings_cycle_detail"),
    path(C + "meetings/", MeetingListView.as_view(), name="savings_meeting_list"),
    path(
        C + "meetings/<int:meeting_id>/",
        MeetingDetailView.as_view(),
        name="savings_meeting_detail",
    ),
    path(G + "measures/", GroupMeasuresView.as_view(), name="savings_group_measures"),
    path("savings-measures/", ProgrammeMeasuresView.as_view(), name="savings_measures"),
]
