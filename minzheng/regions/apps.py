from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "minzheng.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_section

        register_section(
            Section(
                key="regions",
                label=_("行政区划"),
                url_name="regions:index",
                capability=Capability.VIEW_REGIONS,
                order=70,
            )
        )
