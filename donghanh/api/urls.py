from django.urls import include, path

from donghanh.api import views

app_name = "api"

urlpatterns = [
    path("v1/", include("donghanh.api.v1.urls")),
    path("openapi.json", views.OpenApiSchemaView.as_view(), name="openapi"),
]
