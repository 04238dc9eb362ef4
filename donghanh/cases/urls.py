from django.urls import path

from donghanh.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/<int:person_id>/", views.case_open, name="case_open"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/intake/", views.case_edit_intake, name="case_edit_intake"),
    path("<int:case_id>/screening/", views.case_edit_screening, name="case_edit_screening"),
    path(
        "<int:case_id>/identification/",
        views.case_edit_identification,
        name="case_edit_identification",
    ),
    path("<int:case_id>/workers/", views.case_workers, name="case_workers"),
    path("<int:case_id>/restriction/", views.case_restriction, name="case_restriction"),
    path("<int:case_id>/closure/", views.case_closure_request, name="case_closure_request"),
    path(
        "<int:case_id>/closure/decision/",
        views.case_closure_decide,
        name="case_closure_decide",
    ),
    path("<int:case_id>/reopen/", views.case_reopen, name="case_reopen"),
]
