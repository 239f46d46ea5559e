from django.urls import path

from minzheng.cases import letters, views

app_name = "cases"
urlpatterns = [
    path("", views.case_index, name="index"),
    path("new/<int:household>/", views.case_new, name="new"),
    path("batch/publish/", views.case_batch_publish, name="batch_publish"),
    path("batch/approve/", views.case_batch_approve, name="batch_approve"),
    path("quotas/", views.quota_index, name="quotas"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/letters/<str:kind>.pdf", letters.case_letter, name="letter"),
    path("<int:pk>/<str:action>/", views.case_action, name="action"),
]
