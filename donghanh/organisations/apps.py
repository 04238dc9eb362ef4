from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "donghanh.organisations"
    label = "organisations"

    def ready(self) -> None:
        from donghanh.accounts.ports import register_account_overseers, register_user_admin_inline
        from donghanh.audit.ports import register_membership_periods
        from donghanh.organisations.admin import MembershipInline
        from donghanh.organisations.selectors import (
            account_overseers,
            organisation_membership_periods,
        )

        register_account_overseers(account_overseers)
        register_membership_periods(organisation_membership_periods)
        # The administration of a user shows their memberships (read-only).
        register_user_admin_inline(MembershipInline)
