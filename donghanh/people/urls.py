from django.urls import path

from donghanh.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_register, name="person_register"),
    path("duplicates/", views.duplicate_notices, name="duplicate_notices"),
    path(
        "duplicates/<int:notice_id>/dismiss/",
        views.duplicate_notice_dismiss,
        name="duplicate_notice_dismiss",
    ),
    path("<int:person_id>/", views.person_detail, name="person_detail"),
    path("<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<int:person_id>/guardians/add/", views.guardian_add, name="guardian_add"),
    path("<int:person_id>/consents/add/", views.consent_record, name="consent_record"),
    path(
        "<int:person_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
