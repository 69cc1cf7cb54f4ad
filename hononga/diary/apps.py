from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "hononga.diary"
    label = "diary"
    verbose_name = _("My week")

    def ready(self) -> None:
        from hononga.core import nav

        nav.register(_("My week"), "diary:week", order=15)
