from django.urls import path

from minzheng.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("exports/<int:pk>/", views.export_download, name="export_download"),
    path("templates/", views.templates, name="templates"),
    path("reconciliation/", views.reconciliation_report, name="reconciliation"),
]
