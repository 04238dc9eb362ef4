from django.urls import path

from . import views

urlpatterns = [
    path("", views.field, name="field"),
    path("cases/", views.cases, name="cases"),
    path("package/", views.package, name="package"),
    path("sync/", views.sync, name="sync"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:conflict_id>/", views.conflict, name="conflict"),
]
