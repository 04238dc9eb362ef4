from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "donghanh.referrals"
    label = "referrals"

    def ready(self) -> None:
        from donghanh.cases.registry import CASE_PAGE
        from donghanh.referrals.exporters import register_referral_exporter

        register_referral_exporter()
        # The case's referrals and transfers on the case page.
        CASE_PAGE.register("referrals", template="referrals/case_section.html", order=10)
