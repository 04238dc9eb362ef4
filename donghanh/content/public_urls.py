"""Public pages of the information bank; the lead places them with the other public pages."""

from django.urls import path

from donghanh.content import public_views

app_name = "articles"

urlpatterns = [
    path("articles/", public_views.article_list, name="index"),
    path("articles/<slug:slug>/", public_views.article_detail, name="detail"),
    path("articles/<slug:slug>/versions/", public_views.version_list, name="versions"),
    path(
        "articles/<slug:slug>/versions/<int:number>/",
        public_views.version_detail,
        name="version",
    ),
]
