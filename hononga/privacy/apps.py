from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hononga.privacy"
    label = "privacy"

    def ready(self) -> None:
        from hononga.core import nav, panels
        from hononga.privacy import panels as privacy_panels

        panels.register("person", privacy_panels.person_panel, order=15)
        panels.register("relationship", privacy_panels.relationship_panel, order=5)
        panels.register("home", privacy_panels.home_panel, order=3)
        panels.register("home", privacy_panels.officer_home_panel, order=2)
        panels.register("whanau", privacy_panels.whanau_panel, order=90)
        from django.utils.translation import gettext_lazy as _

        from hononga.accounts.models import Role

        nav.register(
            _("Corrections"),
            "privacy:corrections",
            order=60,
            roles={Role.PRACTITIONER, Role.SUPERVISOR, Role.FACILITATOR},
        )
