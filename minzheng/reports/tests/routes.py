from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, register

# scope is the ?region= parameter (default: the user's own region); reports/tests/test_reports.py has the negatives
register(
    RouteCase("reports:index", Capability.VIEW_REPORTS),
    RouteCase("reports:report", Capability.VIEW_REPORTS, extra_kwargs={"code": "dibao"}),
    RouteCase("reports:drill", Capability.VIEW_REPORTS, extra_kwargs={"code": "dibao.households"}),
    RouteCase("reports:changes", Capability.VIEW_REPORTS),
    RouteCase("reports:budgets", Capability.VIEW_REPORTS),
    RouteCase("reports:budgets_xlsx", Capability.VIEW_REPORTS, extra_kwargs={"year": 2026}),
    # without a file: refused with 400 by those allowed (reports/tests/test_budget_excel.py uploads real ones)
    RouteCase("reports:budgets_upload", Capability.MANAGE_BUDGETS, method="POST", ok_status=(400,)),
)
