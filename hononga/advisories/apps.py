from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoriesConfig(AppConfig):
    name = "hononga.advisories"
    label = "advisories"

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.contacts import hooks
        from hononga.core import nav, panels

        from . import panels as advisory_panels
        from . import services

        if services.gate_before_save not in hooks.BEFORE_SAVE:
            hooks.BEFORE_SAVE.append(services.gate_before_save)
        if services.gate_after_save not in hooks.AFTER_SAVE:
            hooks.AFTER_SAVE.append(services.gate_after_save)
        if services.screened_people not in hooks.SCREENED_PEOPLE:
            hooks.SCREENED_PEOPLE.append(services.screened_people)
        panels.register("banner", advisory_panels.banner, order=10)
        panels.register("whanau", advisory_panels.whanau_panel, order=5)
        panels.register("contact_form", advisory_panels.contact_form_panel, order=10)
        panels.register("home", advisory_panels.home_panel, order=5)
        panels.register("manage", advisory_panels.manage_panel, order=50)
        panels.register("supervision", advisory_panels.supervision_panel, order=40)
        panels.register("person", advisory_panels.person_panel, order=50)
        nav.register(_("Advisories"), "advisories:list", order=80, roles={Role.ADMIN})
