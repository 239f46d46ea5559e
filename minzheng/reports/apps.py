from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "minzheng.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_home_panel, register_section
        from minzheng.reports.dashboard import home_panel

        register_section(
            Section(
                key="reports",
                label=_("统计报表"),
                url_name="reports:index",
                capability=Capability.VIEW_REPORTS,
                order=35,
            )
        )
        register_home_panel(home_panel)
