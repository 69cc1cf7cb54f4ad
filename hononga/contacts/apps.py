from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "hononga.contacts"
    label = "contacts"

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.contacts import panels as contact_panels
        from hononga.core import nav, panels

        panels.register("home", contact_panels.home_panel, order=20)
        panels.register("whanau", contact_panels.whanau_panel, order=30)
        panels.register("person", contact_panels.person_panel, order=30)
        panels.register("relationship", contact_panels.relationship_panel, order=30)
        staff = {Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR}
        nav.register(_("Contacts"), "contacts:list", order=30, roles=staff)
        # Their own (nested) namespaces: see urls.py.
        nav.register(
            _("Reflection"),
            "contacts:reflection:index",
            order=31,
            roles=staff,
            namespace="contacts:reflection",
        )
        nav.register(
            _("Supervision"),
            "contacts:supervision:index",
            order=32,
            roles={Role.SUPERVISOR},
            namespace="contacts:supervision",
        )
