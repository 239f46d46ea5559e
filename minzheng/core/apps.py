from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minzheng.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from minzheng.accounts.roles import Capability
        from minzheng.core.middleware import stamp_session_refresh

        user_logged_in.connect(stamp_session_refresh, dispatch_uid="minzheng.session_refresh")
        from minzheng.core.navigation import Section, register_section

        register_section(
            Section(
                key="calendar",
                label=_("工作日历"),
                url_name="core:calendar",
                capability=Capability.VIEW_CALENDAR,
                order=80,
            )
        )
        register_section(
            Section(
                key="worker",
                label=_("后台任务"),
                url_name="core:worker",
                capability=Capability.MANAGE_USERS,
                order=95,
            )
        )
