from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "donghanh.referrals"
    label = "referrals"
