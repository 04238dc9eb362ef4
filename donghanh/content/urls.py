from django.urls import path

from donghanh.content import views

app_name = "content"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("<int:article_id>/", views.article_detail, name="detail"),
    path("<int:article_id>/settings/", views.article_settings, name="settings"),
    path("<int:article_id>/<str:language>/edit/", views.text_edit, name="edit"),
    path("<int:article_id>/<str:language>/submit/", views.text_submit, name="submit"),
    path("<int:article_id>/<str:language>/review/", views.text_review, name="review"),
    path("<int:article_id>/<str:language>/versions/", views.version_list, name="versions"),
    path(
        "<int:article_id>/<str:language>/versions/<int:number>/",
        views.version_detail,
        name="version",
    ),
]
