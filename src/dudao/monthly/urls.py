from django.urls import path

from dudao.monthly import views

app_name = "monthly"

urlpatterns = [
    path("", views.summary_index, name="index"),
    path("draft/", views.summary_draft, name="draft"),
    path("<int:pk>/", views.summary_detail, name="detail"),
    path("<int:pk>/export/", views.summary_export, name="export"),
    path("<int:pk>/regenerate/", views.summary_regenerate, name="regenerate"),
]
