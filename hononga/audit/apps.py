from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hononga.audit"
    label = "audit"

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.audit import checks  # noqa: F401  (registers the audit key check)
        from hononga.core import nav

        nav.register(_("Audit"), "audit:list", order=90, roles={Role.ADMIN, Role.SUPERVISOR})
