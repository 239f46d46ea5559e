from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "minzheng.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_section

        register_section(
            Section(
                key="audit",
                label=_("审计日志"),
                url_name="audit:event_list",
                capability=Capability.VIEW_AUDIT,
                order=95,
            )
        )
