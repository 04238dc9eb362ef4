from django.urls import path

from donghanh.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("members/", views.members, name="members"),
    path("audit/", views.audit_log, name="audit_log"),
]
