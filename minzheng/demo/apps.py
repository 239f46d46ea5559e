from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "minzheng.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self) -> None:
        from minzheng.demo import events  # noqa: F401 - defines the demo's audit event codes
