from django.urls import path

app_name = "visits"
urlpatterns: list = [
    # --- the supervisor's phone pages (record a visit, drafts, photos, plans) --------------------
    # --- the office's pages (compliance, never visited, calendar, visit log, record sheet) ------
]
