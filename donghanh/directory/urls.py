from django.urls import path

from donghanh.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.provider_list, name="list"),
    path("new/", views.provider_create, name="create"),
    path("<int:provider_id>/", views.provider_detail, name="detail"),
    path("<int:provider_id>/edit/", views.provider_edit, name="edit"),
    path("<int:provider_id>/verify/", views.provider_verify, name="verify"),
]
