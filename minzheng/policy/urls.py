from django.urls import path

from minzheng.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_index, name="index"),
    path("<str:code>/new/", views.policy_version_add, name="version_add"),
]
