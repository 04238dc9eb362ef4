from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "donghanh.referrals"
    label = "referrals"

    def ready(self) -> None:
        from donghanh.referrals.exporters import register_referral_exporter

        register_referral_exporter()
