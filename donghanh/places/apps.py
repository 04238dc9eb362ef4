from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "donghanh.places"
    label = "places"
