from django.urls import path

from minzheng.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("calendar/", views.calendar_index, name="calendar"),
    path("calendar/years/add", views.calendar_year_add, name="calendar_year_add"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("worker/", views.worker_status, name="worker"),
]
