from django.urls import path

from donghanh.programmes import views

app_name = "programmes"

P = "<int:project_id>/"
T = P + "trainings/<int:training_id>/"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path(P, views.project_detail, name="detail"),
    path(P + "edit/", views.project_edit, name="edit"),
    path(P + "phases/", views.phase_add, name="phase_add"),
    path(P + "provinces/", views.province_add, name="province_add"),
    path(P + "funding/", views.funding, name="funding"),
    path(P + "budget/", views.budget, name="budget"),
    path(P + "budget/<int:line_id>/", views.budget_line, name="budget_line"),
    path(P + "results/", views.results, name="results"),
    path(P + "results/<str:level>/new/", views.framework_add, name="framework_add"),
    path(P + "indicators/new/", views.indicator_create, name="indicator_create"),
    path(P + "indicators/<int:indicator_id>/", views.indicator_detail, name="indicator"),
    path(P + "indicators/<int:indicator_id>/targets/", views.target_add, name="target_add"),
    path(P + "indicators/<int:indicator_id>/values/", views.value_add, name="value_add"),
    path(P + "trainings/", views.trainings, name="trainings"),
    path(T, views.training_detail, name="training"),
    path(T + "participants/new/", views.participant_add, name="participant_add"),
    path(
        T + "participants/<int:participation_id>/", views.participation_detail, name="participation"
    ),
    path(
        T + "participants/<int:participation_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path(P + "communication/", views.communication, name="communication"),
    path(P + "organisations/", views.supported_organisations, name="organisations"),
    path(P + "publications/", views.publications, name="publications"),
    path(P + "files/<str:kind>/<int:record_id>/", views.evidence_download, name="evidence"),
]
