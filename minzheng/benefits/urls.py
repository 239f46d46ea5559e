from django.urls import path

from minzheng.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.monitoring, name="monitoring"),
    path("rechecks/<int:pk>/", views.recheck_detail, name="recheck"),
    path("standard-change/", views.standard_change, name="standard_change"),
    path("terminations/<int:pk>/", views.termination, name="termination"),
]
