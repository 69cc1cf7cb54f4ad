from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hononga.audit"
    label = "audit"
