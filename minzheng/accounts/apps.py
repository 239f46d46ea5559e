from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minzheng.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from minzheng.accounts.roles import Capability
        from minzheng.core.navigation import Section, register_section

        register_section(
            Section(
                key="users",
                label=_("用户管理"),
                url_name="accounts:user_list",
                capability=Capability.MANAGE_USERS,
                order=90,
            )
        )
