from django.urls import include, path, re_path

from donghanh.api import views

app_name = "api"

urlpatterns = [
    path("v1/", include("donghanh.api.v1.urls")),
    path("openapi.json", views.OpenApiSchemaView.as_view(), name="openapi"),
    # Any other address under /api/ (an id that is not a number, a resource that does not
    # exist) answers 404 in JSON, like the API's other refusals, never the site's HTML page.
    re_path(r"^.*$", views.not_found, name="not_found"),
]
