from django.urls import path

from donghanh.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list_in, name="incoming"),
    path("sent/", views.referral_list_out, name="outgoing"),
    path("new/<int:case_id>/", views.referral_send, name="send"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<int:referral_id>/complete/", views.referral_complete, name="complete"),
    path("<int:referral_id>/reshare/", views.referral_reshare, name="reshare"),
    path("<int:referral_id>/cancel/", views.referral_cancel, name="cancel"),
]
