"""Stable event codes, grouped by domain (`<domain>.<what_happened>`), each with its translated label.

Apps define their codes here through `define()` at import time; the code string is what is stored and never changes.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_LABELS: dict[str, str | Promise] = {}


def define(code: str, label: str | Promise) -> str:
    domain, _sep, name = code.partition(".")
    if not domain or not name:
        raise ValueError(f"event code must look like 'domain.event', got {code!r}")
    if code in EVENT_LABELS and EVENT_LABELS[code] != label:
        raise ValueError(f"event code {code!r} defined twice with different labels")
    EVENT_LABELS[code] = label
    return code


def label_for(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))


AUTH_LOGIN = define("auth.login", _("登录"))
AUTH_LOGOUT = define("auth.logout", _("退出登录"))
AUTH_LOGIN_FAILED = define("auth.login_failed", _("登录失败"))
AUTH_LOCKED_OUT = define("auth.locked_out", _("登录被锁定"))
AUTH_PASSWORD_CHANGED = define("auth.password_changed", _("修改密码"))
USER_CREATED = define("accounts.user_created", _("创建用户"))
USER_UPDATED = define("accounts.user_updated", _("修改用户"))
REGIONS_IMPORTED = define("regions.imported", _("导入行政区划"))
CALENDAR_YEAR_ADDED = define("calendar.year_added", _("新增日历年度"))
CALENDAR_DAY_SET = define("calendar.day_set", _("设置节假日或调休工作日"))
CALENDAR_DAY_REMOVED = define("calendar.day_removed", _("删除节假日或调休工作日"))
CALENDAR_SEEDED = define("calendar.seeded", _("导入国务院节假日安排"))
AUDIT_VERIFIED = define("audit.verified", _("校验审计链"))
AUDIT_CHAIN_KEYED = define("audit.chain_keyed", _("审计链启用密钥签名"))
DEMO_LOADED = define("demo.loaded", _("加载演示数据"))
