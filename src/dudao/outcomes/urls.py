from django.urls import path

from dudao.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("print/", views.sheet_pdf, name="pdf"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("school/<int:pk>/", views.school, name="school"),
    path("school/<int:pk>/print/", views.school_pdf, name="school_pdf"),
    path("school/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
]
