from django.utils.translation import gettext_lazy as _

from minzheng.audit.events import define

VERSION_CREATED = define("policy.version_created", _("新增政策版本"))
