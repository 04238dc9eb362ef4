from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "donghanh.referrals"
    label = "referrals"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE, register_closure_check
        from donghanh.referrals.exporters import register_referral_exporter
        from donghanh.referrals.selectors import (
            CASE_PAGE_READS,
            case_section,
            unfinished_referrals,
        )

        register_referral_exporter()
        # The case's referrals and transfers on the case page.
        CASE_PAGE.register(
            "referrals",
            template="referrals/case_section.html",
            order=10,
            data=case_section,
            reads=CASE_PAGE_READS,
        )
        # A case does not close while one of its referrals is still open.
        register_closure_check("referrals", unfinished_referrals)
