app_name = "case_files"

urlpatterns: list = []
