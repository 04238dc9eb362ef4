from django.urls import path

from donghanh.casework import views

app_name = "casework"

urlpatterns = [
    path("overdue/", views.overdue, name="overdue"),
    path("approvals/", views.approvals, name="approvals"),
    path("beds/", views.shelter_capacity, name="shelter_capacity"),
    path("<int:case_id>/needs/", views.needs_add, name="needs_add"),
    path("<int:case_id>/plan/goals/new/", views.goal_add, name="goal_add"),
    path("<int:case_id>/plan/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(
        "<int:case_id>/plan/goals/<int:goal_id>/actions/new/",
        views.action_add,
        name="action_add",
    ),
    path("<int:case_id>/plan/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path("<int:case_id>/plan/submit/", views.plan_submit, name="plan_submit"),
    path("<int:case_id>/plan/decision/", views.plan_decide, name="plan_decide"),
    path("<int:case_id>/services/new/", views.service_add, name="service_add"),
    path("<int:case_id>/services/<int:service_id>/", views.service_edit, name="service_edit"),
    path("<int:case_id>/follow-ups/new/", views.follow_up_add, name="follow_up_add"),
    path(
        "<int:case_id>/follow-ups/<int:follow_up_id>/",
        views.follow_up_edit,
        name="follow_up_edit",
    ),
    path("<int:case_id>/stays/new/", views.stay_add, name="stay_add"),
    path(
        "<int:case_id>/stays/<int:stay_id>/discharge/", views.stay_discharge, name="stay_discharge"
    ),
]
