from django.urls import path

from minzheng.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("verify/", views.verify_start, name="verify_start"),
    path("verify/status/", views.verify_status, name="verify_status"),
    path("<int:seq>/", views.event_detail, name="event_detail"),
]
