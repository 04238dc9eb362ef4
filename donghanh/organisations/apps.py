from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "donghanh.organisations"
    label = "organisations"

    def ready(self) -> None:
        from donghanh.accounts.ports import register_account_overseers
        from donghanh.organisations.selectors import account_overseers

        register_account_overseers(account_overseers)
