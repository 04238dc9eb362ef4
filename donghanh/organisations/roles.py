"""Who may do what: the one place where roles and their permissions are written down.

Every protected view asks `role_allows(role, Perm.X)` through an access helper; the permission
matrix test walks this table, so a change here is a change to the tested matrix.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development-only package


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    CASE_WORKER = "case_worker", _("Case worker")
    COLLABORATOR = "collaborator", _("Commune collaborator")
    PROGRAMME_OFFICER = "programme_officer", _("Programme / M&E officer")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")


class Perm(StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    MANAGE_MEMBERS = "manage_members"
    RESET_PASSWORDS = "reset_passwords"
    MANAGE_TEAMS = "manage_teams"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_CASES = "view_cases"
    VIEW_ALL_ORG_CASES = "view_all_org_cases"
    EDIT_CASES = "edit_cases"
    APPROVE_CASES = "approve_cases"
    EXPORT_CASES = "export_cases"
    VIEW_DIRECTORY = "view_directory"
    EDIT_DIRECTORY = "edit_directory"
    EDIT_CONTENT = "edit_content"
    REVIEW_CONTENT = "review_content"
    VIEW_PROGRAMMES = "view_programmes"
    EDIT_PROGRAMMES = "edit_programmes"
    VIEW_TRAINEES = "view_trainees"
    VIEW_AGGREGATES = "view_aggregates"
    VIEW_SAVINGS_GROUPS = "view_savings_groups"
    RECORD_SAVINGS_GROUPS = "record_savings_groups"
    IMPORT_RECORDS = "import_records"
    UNDO_IMPORTS = "undo_imports"
    # The notices that another organisation registered someone likely to be one of ours.
    REVIEW_DUPLICATES = "review_duplicates"
    # Take one's own work offline on a device (the field app) and send it when back online.
    WORK_OFFLINE = "work_offline"


_STAFF = {Perm.VIEW_ORGANISATION, Perm.VIEW_DIRECTORY}
# Those who run savings groups with the Women's Union: see the groups and record their meetings.
_SAVINGS = {Perm.VIEW_SAVINGS_GROUPS, Perm.RECORD_SAVINGS_GROUPS}

GRANTS: dict[str, frozenset[Perm]] = {
    Role.ORG_ADMIN: frozenset(
        _STAFF
        | {
            Perm.MANAGE_MEMBERS,
            Perm.RESET_PASSWORDS,
            Perm.MANAGE_TEAMS,
            Perm.VIEW_AUDIT_LOG,
            Perm.VIEW_CASES,
            Perm.VIEW_ALL_ORG_CASES,
            Perm.EXPORT_CASES,
            Perm.EDIT_DIRECTORY,
            Perm.VIEW_PROGRAMMES,
            Perm.VIEW_TRAINEES,
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_SAVINGS_GROUPS,
            Perm.IMPORT_RECORDS,
            Perm.UNDO_IMPORTS,
            Perm.REVIEW_DUPLICATES,
        }
    ),
    Role.SUPERVISOR: frozenset(
        _STAFF
        | {
            Perm.MANAGE_TEAMS,
            Perm.VIEW_AUDIT_LOG,
            Perm.VIEW_CASES,
            Perm.VIEW_ALL_ORG_CASES,
            Perm.EDIT_CASES,
            Perm.APPROVE_CASES,
            Perm.EXPORT_CASES,
            Perm.VIEW_PROGRAMMES,
            Perm.VIEW_TRAINEES,
            Perm.VIEW_AGGREGATES,
            *_SAVINGS,
            Perm.IMPORT_RECORDS,
            Perm.UNDO_IMPORTS,
            Perm.REVIEW_DUPLICATES,
            Perm.WORK_OFFLINE,
        }
    ),
    Role.CASE_WORKER: frozenset(
        _STAFF
        | _SAVINGS
        | {Perm.VIEW_CASES, Perm.EDIT_CASES, Perm.VIEW_AGGREGATES, Perm.WORK_OFFLINE}
    ),
    Role.COLLABORATOR: frozenset(
        _STAFF | _SAVINGS | {Perm.VIEW_CASES, Perm.EDIT_CASES, Perm.WORK_OFFLINE}
    ),
    Role.PROGRAMME_OFFICER: frozenset(
        _STAFF
        | _SAVINGS
        | {
            Perm.VIEW_PROGRAMMES,
            Perm.EDIT_PROGRAMMES,
            Perm.VIEW_TRAINEES,
            Perm.VIEW_AGGREGATES,
            Perm.IMPORT_RECORDS,
            Perm.WORK_OFFLINE,
        }
    ),
    Role.CONTENT_EDITOR: frozenset(
        _STAFF | {Perm.EDIT_CONTENT, Perm.REVIEW_CONTENT, Perm.EDIT_DIRECTORY, Perm.IMPORT_RECORDS}
    ),
    Role.DONOR_VIEWER: frozenset({Perm.VIEW_ORGANISATION, Perm.VIEW_AGGREGATES}),
}


# What each role does on the platform, in one sentence: shown on the role's home panel.
ROLE_DESCRIPTIONS: dict[str, StrOrPromise] = {
    Role.ORG_ADMIN: _(
        "You manage your organisation's members and their access, reset their passwords and "
        "two-factor sign-in, and review the audit log. You can also read and export all of the "
        "organisation's cases."
    ),
    Role.SUPERVISOR: _(
        "You oversee your organisation's case work: you see and edit all of its cases, approve "
        "case decisions, export cases and review the audit log."
    ),
    Role.CASE_WORKER: _(
        "You open and follow up the cases assigned to you and refer people to services in the "
        "directory."
    ),
    Role.COLLABORATOR: _(
        "You record and follow up the cases assigned to you in your commune and find services "
        "near the people you support."
    ),
    Role.PROGRAMME_OFFICER: _(
        "You plan programmes and track their activities, targets and budgets, working with totals "
        "rather than case files."
    ),
    Role.CONTENT_EDITOR: _(
        "You write and review the information bank for migrants and keep the service directory "
        "up to date."
    ),
    Role.DONOR_VIEWER: _(
        "You see the results of the programmes you follow as totals only: never a person's name "
        "or case file."
    ),
}


def role_allows(role: str, perm: Perm) -> bool:
    return perm in GRANTS.get(role, frozenset())


# The role a new member or an invitation starts with until the administrator chooses another:
# the one granted least (a donor viewer sees totals only, never a person).
LEAST_PRIVILEGED_ROLE: str = min(Role, key=lambda role: len(GRANTS[role])).value
