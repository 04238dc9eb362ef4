from django.urls import path

from donghanh.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.detail, name="detail"),
    path("members/", views.members, name="members"),
    path("members/add/", views.member_add, name="member_add"),
    path(
        "members/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("members/<int:member_id>/", views.member, name="member"),
    path("members/<int:member_id>/role/", views.member_change_role, name="member_change_role"),
    path("members/<int:member_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:member_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path(
        "members/<int:member_id>/password-reset/",
        views.member_password_reset,
        name="member_password_reset",
    ),
    path(
        "members/<int:member_id>/unlock/",
        views.member_sign_in_unlock,
        name="member_sign_in_unlock",
    ),
    path(
        "members/<int:member_id>/two-factor-reset/",
        views.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path("teams/", views.teams, name="teams"),
    path("teams/add/", views.team_add, name="team_add"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/deactivate/", views.team_deactivate, name="team_deactivate"),
    path("teams/<int:team_id>/reactivate/", views.team_reactivate, name="team_reactivate"),
    path("audit/", views.audit_log, name="audit_log"),
]
