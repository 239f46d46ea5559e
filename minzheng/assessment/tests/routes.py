from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, register
from minzheng.registry.tests.routes import HOUSEHOLD

register(
    RouteCase("assessment:household", Capability.ASSESS, targets=HOUSEHOLD),
    # the matrix posts a form, not JSON: an allowed caller gets the API's "bad_json" answer (400)
    RouteCase("api_assessment:api_assess", Capability.ASSESS, method="POST", api=True, ok_status=(400,)),
)
