from django.urls import URLPattern, path

from donghanh.fieldwork.devices import views

urlpatterns: list[URLPattern] = [
    path("device/", views.device_register, name="device_register"),
    path("device/<uuid:device>/key/", views.device_key, name="device_key"),
    path("device/<uuid:device>/wiped/", views.device_wiped, name="device_wiped"),
    path("devices/", views.device_list, name="devices"),
    path("devices/<uuid:device>/lost/", views.device_report_lost, name="device_report_lost"),
    path("devices/<uuid:device>/revoke/", views.device_revoke, name="device_revoke"),
    path("offline/", views.offline_page, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
