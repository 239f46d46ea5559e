from django.urls import path

from minzheng.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("village/<str:code>/", views.public_village, name="village"),
    path("notice/<int:pk>/", views.public_notice, name="notice"),
    path("notice/<int:pk>/poster.pdf", views.public_poster, name="poster"),
]
