from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, register

# scope is the ?region= parameter (default: the user's own region); reports/tests/test_reports.py has the negatives
register(
    RouteCase("reports:index", Capability.VIEW_REPORTS),
    RouteCase("reports:report", Capability.VIEW_REPORTS, extra_kwargs={"code": "dibao"}),
    RouteCase("reports:drill", Capability.VIEW_REPORTS, extra_kwargs={"code": "dibao.households"}),
    RouteCase("reports:budgets", Capability.VIEW_REPORTS),
)
