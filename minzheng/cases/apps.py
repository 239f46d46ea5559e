from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "minzheng.cases"
    label = "cases"
    verbose_name = _("审核确认")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.cases.selectors import todo_items
        from minzheng.core.navigation import Section, register_section, register_todo_source

        register_section(
            Section(
                key="cases",
                label=_("申请审批"),
                url_name="cases:index",
                capability=Capability.VIEW_CASES,
                order=20,
            )
        )
        register_todo_source(todo_items)
