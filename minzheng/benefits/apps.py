from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "minzheng.benefits"
    label = "benefits"
    verbose_name = _("动态管理")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.assessment.live import register_assistance_status_reader
        from minzheng.benefits import receivers  # noqa: F401 - connects the registry's household_changed
        from minzheng.benefits.selectors import household_assistance_statuses, household_panel, todo_items
        from minzheng.core.navigation import (
            Section,
            register_household_panel,
            register_section,
            register_todo_source,
        )

        register_section(
            Section(
                key="benefits",
                label=_("动态管理"),
                url_name="benefits:monitoring",
                capability=Capability.VIEW_CASES,
                order=25,
            )
        )
        register_todo_source(todo_items)
        # every live snapshot (assessment.live) carries the household's status from this one selector
        register_assistance_status_reader(household_assistance_statuses)
        register_household_panel(household_panel)
