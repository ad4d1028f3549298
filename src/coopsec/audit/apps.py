from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coopsec.audit"
    label = "audit"
    verbose_name = "Audit trail"
