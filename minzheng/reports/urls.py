from django.urls import path

from minzheng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("forms/<str:code>/", views.report, name="report"),
    path("indicators/<str:code>/", views.drill, name="drill"),
    path("changes/", views.changes, name="changes"),
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/<int:year>.xlsx", views.budgets_xlsx, name="budgets_xlsx"),
    path("budgets/upload/", views.budgets_upload, name="budgets_upload"),
]
