from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "minzheng.registry"
    label = "registry"
    verbose_name = _("一户一档")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_section
        from minzheng.registry import events  # noqa: F401 - defines the registry's audit event codes

        register_section(
            Section(
                key="registry",
                label=_("家庭档案"),
                url_name="registry:index",
                capability=Capability.VIEW_REGISTRY,
                order=10,
            )
        )
