from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "donghanh.accounts"
    label = "accounts"
