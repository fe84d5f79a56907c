from django.urls import path

from dudao.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/", views.unit_list, name="units"),
    path("units/generate/", views.units_generate, name="units_generate"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/units/", views.campaign_units, name="campaign_units"),
    path("campaigns/<int:pk>/late/", views.late, name="late"),
    path("campaigns/<int:pk>/results/", views.results, name="results"),
    path("campaigns/<int:pk>/results/export/", views.results_export, name="results_export"),
    path("campaigns/<int:pk>/u/<int:entry>/", views.entry, name="entry"),
    path("campaigns/<int:pk>/u/<int:entry>/team/", views.unit_team, name="unit_team"),
    path("campaigns/<int:pk>/u/<int:entry>/self/", views.self_form, name="self_form"),
    path("campaigns/<int:pk>/u/<int:entry>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("campaigns/<int:pk>/u/<int:entry>/evidence/<int:evidence>/", views.evidence_file, name="evidence_file"),
    path("campaigns/<int:pk>/u/<int:entry>/score/", views.score, name="score"),
    path("campaigns/<int:pk>/u/<int:entry>/reconcile/", views.score, name="reconcile"),
    path("campaigns/<int:pk>/u/<int:entry>/opinion/", views.opinion, name="opinion"),
    path("campaigns/<int:pk>/u/<int:entry>/opinion/print/", views.opinion_print, name="opinion_print"),
    path("campaigns/<int:pk>/u/<int:entry>/opinion/pdf/", views.opinion_pdf, name="opinion_pdf"),
    path("campaigns/<int:pk>/u/<int:entry>/findings/", views.findings_register, name="findings_register"),
    path("campaigns/<int:pk>/u/<int:entry>/problems/<int:problem>/recheck/", views.recheck, name="recheck"),
]
