from django.urls import path

from minzheng.assessment import views

app_name = "assessment"
urlpatterns = [
    path("households/<int:pk>/", views.household_assess, name="household"),
]

api_urlpatterns = [
    path("assess", views.api_assess, name="api_assess"),
]
