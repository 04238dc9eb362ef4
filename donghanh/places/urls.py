from django.urls import path

from donghanh.places import views

app_name = "places"

urlpatterns = [
    path("", views.lookup, name="lookup"),
]
