from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hononga.accounts"
    label = "accounts"

    def ready(self) -> None:
        from hononga.accounts import signals  # noqa: F401  (login audit hooks)
        from hononga.accounts.models import Role
        from hononga.core import nav

        nav.register(
            _("Manage"),
            "accounts:manage:index",
            order=95,
            roles={Role.ADMIN},
            namespace="accounts:manage",
        )
