from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "minzheng.policy"
    label = "policy"
    verbose_name = _("政策参数")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_section

        register_section(
            Section(
                key="policy",
                label=_("政策参数"),
                url_name="policy:index",
                capability=Capability.VIEW_POLICY,
                order=60,
            )
        )
