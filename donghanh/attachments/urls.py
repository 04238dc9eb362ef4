from django.urls import path

from donghanh.attachments import views

app_name = "attachments"

urlpatterns = [
    path(
        "cases/<int:case_id>/attachments/new/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "cases/<int:case_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "cases/<int:case_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
