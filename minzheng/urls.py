from django.urls import include, path
from django.views.i18n import set_language

from minzheng.assessment.urls import api_urlpatterns as assessment_api
from minzheng.regions.urls import api_urlpatterns as regions_api

handler403 = "minzheng.core.views.permission_denied"
handler404 = "minzheng.core.views.not_found"

urlpatterns = [
    path("", include("minzheng.core.urls")),
    path("accounts/", include("minzheng.accounts.urls")),
    path("regions/", include("minzheng.regions.urls")),
    path("audit/", include("minzheng.audit.urls")),
    path("registry/", include("minzheng.registry.urls")),
    path("policy/", include("minzheng.policy.urls")),
    path("assess/", include("minzheng.assessment.urls")),
    path("cases/", include("minzheng.cases.urls")),
    path("gongshi/", include("minzheng.notices.urls")),
    path("benefits/", include("minzheng.benefits.urls")),
    path("payments/", include("minzheng.payments.urls")),
    path("reports/", include("minzheng.reports.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include((regions_api, "regions"), namespace="api_regions")),
    path("api/v1/", include((assessment_api, "assessment"), namespace="api_assessment")),
]
