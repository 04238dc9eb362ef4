from django.urls import path

from donghanh.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("people/<int:person_id>/new/", views.request_register, name="request_register"),
    path("<int:request_id>/", views.request_detail, name="request_detail"),
    path("<int:request_id>/acknowledge/", views.request_acknowledge, name="request_acknowledge"),
    path("<int:request_id>/start/", views.request_start, name="request_start"),
    path("<int:request_id>/extend/", views.request_extend, name="request_extend"),
    path("<int:request_id>/complete/", views.request_complete, name="request_complete"),
    path("<int:request_id>/refuse/", views.request_refuse, name="request_refuse"),
    path("<int:request_id>/export.json", views.request_export_json, name="request_export_json"),
    path("<int:request_id>/export.pdf", views.request_export_pdf, name="request_export_pdf"),
]
