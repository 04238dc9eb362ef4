from django.urls import path

from donghanh.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("self-check/", views.self_check, name="self_check"),
    path("help/", views.find_help, name="find_help"),
    path("help/<int:provider_id>/", views.provider, name="provider"),
]
