from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "minzheng.payments"
    label = "payments"
    verbose_name = _("待遇发放")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_household_panel, register_section
        from minzheng.payments.selectors import household_panel

        register_section(
            Section(
                key="payments",
                label=_("待遇发放"),
                url_name="payments:index",
                capability=Capability.VIEW_PAYMENTS,
                order=30,
            )
        )
        register_household_panel(household_panel)
