"""Where a member's home leads: every page of an organisation that a role may open, written
once. The home page offers exactly those that the member's role allows, so that a role's home
leads to everything it may open and to nothing that would refuse it (a test walks every role's
links and every page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from donghanh.core.templatetags.donghanh import local_name
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.programmes.projects.selectors import projects_visible_to_any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development-only package


@dataclass(frozen=True)
class Destination:
    url_name: str
    label: StrOrPromise
    perm: Perm | None = None  # None: every member
    shelters_only: bool = False

    def opens_for(self, membership: Membership) -> bool:
        if self.shelters_only and membership.organisation.kind != Organisation.Kind.SHELTER:
            return False
        return self.perm is None or role_allows(membership.role, self.perm)


ORGANISATION_PAGES: tuple[Destination, ...] = (
    Destination("organisations:detail", _("Organisation overview")),
    Destination(
        "casework:approvals", _("Plans and closures awaiting approval"), Perm.APPROVE_CASES
    ),
    Destination("people:person_list", _("People"), Perm.VIEW_CASES),
    Destination(
        "people:duplicate_notices",
        _("Possible duplicates registered elsewhere"),
        Perm.REVIEW_DUPLICATES,
    ),
    Destination("duplicates:queue", _("Records of the same person"), Perm.REVIEW_DUPLICATES),
    Destination("cases:case_list", _("Cases"), Perm.VIEW_CASES),
    Destination("casework:overdue", _("Overdue actions and follow-ups"), Perm.VIEW_CASES),
    Destination("livelihood:reviews_due", _("Reintegration assessments due"), Perm.VIEW_CASES),
    Destination("referrals:incoming", _("Referrals"), Perm.VIEW_CASES),
    Destination("privacy:request_list", _("Data-subject requests"), Perm.VIEW_CASES),
    Destination("case_exports:export_page", _("Export cases"), Perm.EXPORT_CASES),
    Destination("programmes:list", _("Programmes"), Perm.VIEW_PROGRAMMES),
    Destination("livelihood:groups", _("Savings groups"), Perm.VIEW_SAVINGS_GROUPS),
    Destination("livelihood:measures", _("Savings group measures"), Perm.VIEW_AGGREGATES),
    Destination("imports:index", _("Import from a spreadsheet"), Perm.IMPORT_RECORDS),
    # Occupancy for everyone who sees the shelter's cases; the capacity is set by its administrator.
    Destination(
        "casework:shelter_capacity", _("Shelter beds"), Perm.VIEW_CASES, shelters_only=True
    ),
    Destination("fieldwork:field", _("Field app (works offline)"), Perm.WORK_OFFLINE),
    Destination("fieldwork:devices", _("Devices for offline work"), Perm.WORK_OFFLINE),
    Destination("organisations:members", _("Members and access"), Perm.MANAGE_MEMBERS),
    # The same page, listing every member's devices: an administrator reports a lost one there.
    Destination("fieldwork:devices", _("Members' devices for offline work"), Perm.MANAGE_MEMBERS),
    Destination("organisations:teams", _("Teams"), Perm.MANAGE_TEAMS),
    Destination("organisations:audit_log", _("Audit log"), Perm.VIEW_AUDIT_LOG),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: StrOrPromise


def links_for(membership: Membership) -> list[Link]:
    """The pages of the member's organisation that the member's role may open."""
    slug = membership.organisation.slug
    return [
        Link(reverse(destination.url_name, kwargs={"org": slug}), destination.label)
        for destination in ORGANISATION_PAGES
        if destination.opens_for(membership)
    ]


def dashboards_by_organisation(memberships: Iterable[Membership]) -> dict[int, list[Link]]:
    """For each organisation where the member's role sees totals, the results dashboards of the
    programmes it implements, partners or funds, each named in the reader's language (three
    queries however many organisations)."""
    seeing = {
        m.organisation_id: m.organisation
        for m in memberships
        if role_allows(m.role, Perm.VIEW_AGGREGATES)
    }
    if not seeing:
        return {}
    among = Organisation.objects.filter(pk__in=seeing).only("pk")
    projects = projects_visible_to_any(seeing.values()).prefetch_related(
        Prefetch("partner_organisations", queryset=among),
        Prefetch("donors", queryset=among),
    )
    found: dict[int, list[Link]] = {pk: [] for pk in seeing}
    for project in projects:
        linked = {project.implementing_organisation_id}
        linked |= {o.pk for o in project.partner_organisations.all()}
        linked |= {o.pk for o in project.donors.all()}
        for pk in sorted(linked & seeing.keys()):
            url = reverse(
                "indicators:dashboard",
                kwargs={"org": seeing[pk].slug, "project_id": project.pk},
            )
            found[pk].append(Link(url, f"{project.code} · {local_name(project)}"))
    return found
