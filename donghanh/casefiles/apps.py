from django.apps import AppConfig


class CasefilesConfig(AppConfig):
    name = "donghanh.casefiles"
    label = "casefiles"
