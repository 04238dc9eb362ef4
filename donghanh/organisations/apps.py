from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "donghanh.organisations"
    label = "organisations"
