from minzheng.core.testing.matrix import PUBLIC, RouteCase, register

register(
    RouteCase("notices:index", PUBLIC),
    RouteCase("notices:village", PUBLIC, extra_kwargs={"code": "510521103222"}),
    # public objects: anyone may read a notice; a missing one is 404 for everyone
    RouteCase("notices:notice", PUBLIC, extra_kwargs={"pk": 999999}, ok_status=(404,)),
    RouteCase("notices:poster", PUBLIC, extra_kwargs={"pk": 999999}, ok_status=(404,)),
)
