"""The caseload's exports, at /app/o/<org>/files/exports/ (where they have always been)."""

from django.urls import path

from donghanh.cases import views

app_name = "case_exports"

urlpatterns = [
    path("", views.export_page, name="export_page"),
    path("cases.xlsx", views.export_xlsx, name="export_xlsx"),
    path("htcds.csv", views.export_htcds_csv, name="export_htcds_csv"),
]
