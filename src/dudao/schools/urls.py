from django.urls import path

from dudao.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list_view, name="list"),
    path("overview/", views.school_overview, name="overview"),
    path("export/", views.school_export, name="export"),
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/edit/", views.school_edit, name="edit"),
    path("<int:pk>/years/export/", views.school_year_export, name="year_export"),
]
