from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1, VILLAGE_B1

REGION_TARGETS = (
    Target("village A1", VILLAGE_A1, lambda p: {"code": VILLAGE_A1}),
    Target("township A", TOWNSHIP_A, lambda p: {"code": TOWNSHIP_A}),
    Target("village B1", VILLAGE_B1, lambda p: {"code": VILLAGE_B1}),
    Target("township B", TOWNSHIP_B, lambda p: {"code": TOWNSHIP_B}),
)

register(
    RouteCase("regions:index", Capability.VIEW_REGIONS),
    RouteCase("regions:detail", Capability.VIEW_REGIONS, targets=REGION_TARGETS),
    RouteCase("regions:import", Capability.IMPORT_REGIONS),
    RouteCase("api_regions:api_list", Capability.VIEW_REGIONS, api=True),
    RouteCase("api_regions:api_detail", Capability.VIEW_REGIONS, targets=REGION_TARGETS, api=True),
)
