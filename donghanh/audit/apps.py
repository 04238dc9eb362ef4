from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "donghanh.audit"
    label = "audit"
