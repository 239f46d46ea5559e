from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import LOGGED_IN, PUBLIC, RouteCase, register

register(
    RouteCase("accounts:login", PUBLIC, ok_status=(200, 302)),
    RouteCase("accounts:logout", PUBLIC, method="POST", ok_status=(302,)),
    RouteCase("accounts:password_change", LOGGED_IN),
    RouteCase("accounts:user_list", Capability.MANAGE_USERS),
    RouteCase("accounts:user_create", Capability.MANAGE_USERS),
)
