from django.urls import path

from dudao.findings import views

app_name = "findings"

urlpatterns: list = [
    path("", views.ledger, name="ledger"),
    path("export/", views.ledger_export, name="export"),
    path("stats/", views.stats, name="stats"),
    path("new/", views.create, name="create"),
    path("settings/", views.office_settings, name="settings"),
    path("settings/<int:pk>/", views.settings_save, name="settings_save"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
