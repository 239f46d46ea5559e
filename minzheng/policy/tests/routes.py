from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_B

register(
    RouteCase("policy:index", Capability.VIEW_POLICY),
    RouteCase(
        "policy:version_add",
        Capability.EDIT_POLICY,
        targets=(
            Target("county", COUNTY, lambda p: {"code": COUNTY}),
            Target("township B", TOWNSHIP_B, lambda p: {"code": TOWNSHIP_B}),
            # the prefecture is above every persona: nobody here may set its numbers
            Target("prefecture", "5105", lambda p: {"code": "5105"}),
        ),
    ),
)
