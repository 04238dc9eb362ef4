from django.urls import path

from donghanh.programmes import views
from donghanh.programmes.finance import views as finance
from donghanh.programmes.outreach import views as outreach
from donghanh.programmes.projects import views as projects
from donghanh.programmes.results import views as results
from donghanh.programmes.trainings import views as trainings

app_name = "programmes"

P = "<int:project_id>/"
T = P + "trainings/<int:training_id>/"

urlpatterns = [
    path("", projects.project_list, name="list"),
    path("new/", projects.project_create, name="create"),
    path(P, views.project_detail, name="detail"),
    path(P + "edit/", projects.project_edit, name="edit"),
    path(P + "phases/", projects.phase_add, name="phase_add"),
    path(P + "provinces/", projects.province_add, name="province_add"),
    path(P + "funding/", finance.funding, name="funding"),
    path(P + "budget/", finance.budget, name="budget"),
    path(P + "budget/<int:line_id>/", finance.budget_line, name="budget_line"),
    path(P + "results/", results.results, name="results"),
    path(P + "results/<str:level>/new/", results.framework_add, name="framework_add"),
    path(P + "indicators/new/", results.indicator_create, name="indicator_create"),
    path(P + "indicators/<int:indicator_id>/", results.indicator_detail, name="indicator"),
    path(P + "indicators/<int:indicator_id>/targets/", results.target_add, name="target_add"),
    path(P + "indicators/<int:indicator_id>/values/", results.value_add, name="value_add"),
    path(P + "trainings/", trainings.trainings, name="trainings"),
    path(T, trainings.training_detail, name="training"),
    path(T + "participants/new/", trainings.participant_add, name="participant_add"),
    path(
        T + "participants/<int:participation_id>/",
        trainings.participation_detail,
        name="participation",
    ),
    path(
        T + "participants/<int:participation_id>/certificate.pdf",
        trainings.certificate,
        name="certificate",
    ),
    path(P + "communication/", outreach.communication, name="communication"),
    path(P + "organisations/", outreach.supported_organisations, name="organisations"),
    path(P + "publications/", outreach.publications, name="publications"),
    path(P + "files/<str:kind>/<int:record_id>/", views.evidence_download, name="evidence"),
]
