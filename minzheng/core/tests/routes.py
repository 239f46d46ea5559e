from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import LOGGED_IN, PUBLIC, RouteCase, register

register(
    RouteCase("core:home", PUBLIC),
    RouteCase("core:healthz", PUBLIC),
    # a job is its creator's alone (tested in cases/tests/test_batch.py); a missing one is 404 for every role
    RouteCase("core:job", LOGGED_IN, extra_kwargs={"pk": 999999}, ok_status=(404,)),
    RouteCase("core:calendar", Capability.VIEW_CALENDAR),
    RouteCase("core:worker", Capability.MANAGE_USERS),
    RouteCase(
        "core:calendar_year_add",
        Capability.EDIT_CALENDAR,
        method="POST",
        data=lambda p: {"year": 2031, "notice": "国办发明电〔2030〕1号"},
        ok_status=(302,),
    ),
    RouteCase("core:calendar_year", Capability.VIEW_CALENDAR, extra_kwargs={"year": 2025}),
)
