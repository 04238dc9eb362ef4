from django.urls import path

from donghanh.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("account/", views.security, name="security"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("account/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("account/notices/<int:notice_id>/read/", views.notice_dismiss, name="notice_dismiss"),
]
