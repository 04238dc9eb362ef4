"""Version 1 of the API. Add a resource here with the recipe in docs/api.md."""

from django.urls import include, path

from donghanh.api.v1 import cases, duplicates, imports, livelihood, persons, referrals, savings

urlpatterns = [
    path("persons/", persons.PersonListView.as_view(), name="person_list"),
    path("persons/<int:person_id>/", persons.PersonDetailView.as_view(), name="person_detail"),
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/<int:case_id>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path(
        "cases/<int:case_id>/services/",
        cases.CaseServiceListView.as_view(),
        name="case_service_list",
    ),
    path(
        "cases/<int:case_id>/projects/",
        cases.CaseProjectListView.as_view(),
        name="case_project_list",
    ),
    path(
        "referrals/received/",
        referrals.ReceivedReferralListView.as_view(),
        name="referral_received_list",
    ),
    path("referrals/sent/", referrals.SentReferralListView.as_view(), name="referral_sent_list"),
    path(
        "referrals/<int:referral_id>/",
        referrals.ReferralDetailView.as_view(),
        name="referral_detail",
    ),
    path(
        "referrals/<int:referral_id>/accept/",
        referrals.ReferralAcceptView.as_view(),
        name="referral_accept",
    ),
    path(
        "referrals/<int:referral_id>/decline/",
        referrals.ReferralDeclineView.as_view(),
        name="referral_decline",
    ),
    path(
        "referrals/<int:referral_id>/complete/",
        referrals.ReferralCompleteView.as_view(),
        name="referral_complete",
    ),
    path("imports/", imports.ImportUploadView.as_view(), name="import_upload"),
    path("imports/<int:batch_id>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path(
        "imports/<int:batch_id>/commit/",
        imports.ImportCommitView.as_view(),
        name="import_commit",
    ),
    path(
        "imports/<int:batch_id>/undo/",
        imports.ImportUndoView.as_view(),
        name="import_undo",
    ),
    path("", include("donghanh.api.v1.projects")),
    path("", include(livelihood.urlpatterns)),
    path("", include(savings.urlpatterns)),
    path("", include(duplicates.urlpatterns)),
]
