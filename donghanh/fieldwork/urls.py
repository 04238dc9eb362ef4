from django.urls import include, path

app_name = "fieldwork"

# The devices' pages and endpoints, then the sync's; each sub-package owns its own list.
urlpatterns = [
    path("", include("donghanh.fieldwork.devices.urls")),
    path("", include("donghanh.fieldwork.sync.urls")),
]
