"""Staff pages (login required). The public form and tracking page live under /s/ (zones/public_urls.py)."""

from django.urls import path

from dudao.complaints.views import office as views

app_name = "complaints"
urlpatterns: list = [
    path("", views.complaint_list_view, name="list"),
    path("export/", views.complaint_export, name="export"),
    path("new/", views.complaint_register, name="register"),
    path("stats/", views.complaint_stats_view, name="stats"),
    path("stats/export/", views.complaint_stats_export, name="stats_export"),
    path("policy/", views.complaint_policy, name="policy"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/triage/<str:outcome>/", views.complaint_triage, name="triage"),
    path("<int:pk>/close/", views.complaint_close, name="close"),
    path("<int:pk>/note/", views.complaint_note, name="note"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/photos/<int:photo_pk>/", views.complaint_photo, name="photo"),
    path("<int:pk>/record.pdf", views.complaint_record_pdf, name="record_pdf"),
]
