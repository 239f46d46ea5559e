from django.utils.translation import gettext_lazy as _

from minzheng.audit.events import define

HOUSEHOLDS_GENERATED = define("demo.households_generated", _("生成演示家庭"))
