from django.urls import path

from donghanh.duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("scan/", views.scan_request, name="scan"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pair_id>/decide/", views.pair_decide, name="pair_decide"),
    path("merges/<int:merge_id>/", views.merge_detail, name="merge_detail"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
