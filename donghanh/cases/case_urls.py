from django.urls import path

from donghanh.cases import case_views

app_name = "case_files"

urlpatterns = [
    path("", case_views.case_list, name="case_list"),
    path("new/<int:person_id>/", case_views.case_open, name="case_open"),
    path("<int:case_id>/", case_views.case_detail, name="case_detail"),
    path("<int:case_id>/intake/", case_views.case_edit_intake, name="case_edit_intake"),
    path("<int:case_id>/screening/", case_views.case_edit_screening, name="case_edit_screening"),
    path(
        "<int:case_id>/identification/",
        case_views.case_edit_identification,
        name="case_edit_identification",
    ),
    path("<int:case_id>/workers/", case_views.case_workers, name="case_workers"),
    path("<int:case_id>/restriction/", case_views.case_restriction, name="case_restriction"),
    path("<int:case_id>/closure/", case_views.case_closure_request, name="case_closure_request"),
    path(
        "<int:case_id>/closure/decision/",
        case_views.case_closure_decide,
        name="case_closure_decide",
    ),
    path("<int:case_id>/reopen/", case_views.case_reopen, name="case_reopen"),
]
