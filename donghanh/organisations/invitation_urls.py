"""Invitations as the invited person answers them: outside any organisation's pages, since
the person is not a member yet."""

from django.urls import path

from donghanh.organisations import views

app_name = "invitations"

urlpatterns = [
    path("<int:invitation_id>/accept/", views.invitation_accept, name="accept"),
    path("<int:invitation_id>/decline/", views.invitation_decline, name="decline"),
]
