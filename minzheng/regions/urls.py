from django.urls import path

from minzheng.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="index"),
    path("import/", views.region_import, name="import"),
    path("<str:code>/", views.region_detail, name="detail"),
]

api_urlpatterns = [
    path("regions/", views.api_region_list, name="api_list"),
    path("regions/<str:code>/", views.api_region_detail, name="api_detail"),
]
