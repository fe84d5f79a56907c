from django.urls import path

from dudao.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("new/", views.dossier_create, name="create"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/checklist/", views.dossier_checklist, name="checklist"),
    path("<int:pk>/export/", views.dossier_export, name="export"),
    path("<int:pk>/refresh/", views.dossier_refresh, name="refresh"),
    path("<int:pk>/items/<str:code>/", views.item_edit, name="item"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("<int:pk>/steps/<str:step>/", views.dossier_step, name="step"),
    path("<int:pk>/campaign/", views.dossier_campaign, name="campaign"),
]
