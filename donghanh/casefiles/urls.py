from django.urls import path

from donghanh.casefiles import views

app_name = "casefiles"

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
    path("exports/", views.export_page, name="export_page"),
    path("exports/cases.xlsx", views.export_xlsx, name="export_xlsx"),
    path("exports/htcds.csv", views.export_htcds_csv, name="export_htcds_csv"),
]
