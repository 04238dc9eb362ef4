from django.urls import path

from donghanh.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/template.xlsx", views.template, name="template"),
    path("<slug:kind>/upload/", views.upload, name="upload"),
    path("batches/<int:batch_id>/", views.batch, name="batch"),
    path("batches/<int:batch_id>/check/", views.batch_check, name="check"),
    path("batches/<int:batch_id>/commit/", views.batch_commit, name="commit"),
    path("batches/<int:batch_id>/undo/", views.batch_undo, name="undo"),
]
