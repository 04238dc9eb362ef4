"""Version 1 of the API. Add a resource here with the recipe in docs/api.md."""

from django.urls import include, path

from donghanh.api.v1 import persons

urlpatterns = [
    path("persons/", persons.PersonListView.as_view(), name="person_list"),
    path("persons/<int:person_id>/", persons.PersonDetailView.as_view(), name="person_detail"),
    path("", include("donghanh.api.v1.projects")),
]
