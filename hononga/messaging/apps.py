from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "hononga.messaging"
    label = "messaging"  # not "messages": that is django.contrib.messages
    verbose_name = _("Messages")

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.core import nav

        nav.register(_("Outbox"), "messaging:outbox", order=85, roles={Role.ADMIN})
