"""The public search over articles and providers, at /search?q= (URL name "search")."""

from django.urls import path

from donghanh.content import public_views

urlpatterns = [
    path("search", public_views.search, name="search"),
]
