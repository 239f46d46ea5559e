from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "minzheng.scenarios"
    label = "scenarios"
    verbose_name = _("情景推演")
