from django.urls import path

from donghanh.indicators import views

app_name = "indicators"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<int:indicator_id>/records/", views.records, name="records"),
    path("reports/logframe.xlsx", views.logframe_xlsx, name="logframe_xlsx"),
    path("reports/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/iati-results.json", views.iati_json, name="iati_json"),
]
