from django.urls import path

from dudao.zones.views import plaques as plaque_views
from dudao.zones.views import zones as views

app_name = "zones"
urlpatterns: list = [
    # zones, coverage and assignments
    path("", views.index, name="index"),
    path("new/", views.zone_create, name="create"),
    path("export/<str:kind>/", views.export, name="export"),
    path("<int:pk>/", views.zone_detail, name="detail"),
    path("<int:pk>/edit/", views.zone_edit, name="edit"),
    path("<int:pk>/delete/", views.zone_delete, name="delete"),
    path("<int:pk>/schools/", views.zone_add_schools, name="add_schools"),
    path("<int:pk>/schools/<int:school_pk>/remove/", views.zone_remove_school, name="remove_school"),
    path("schools/<int:pk>/", views.school_supervision, name="school"),
    path("schools/<int:pk>/assign/", views.school_assign, name="assign"),
    path("schools/<int:pk>/join/", views.school_join_zone, name="join"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    # plaques
    path("schools/<int:pk>/plaque.pdf", plaque_views.plaque_school, name="plaque_school"),
    path("<int:pk>/plaques/", plaque_views.plaque_zone, name="plaque_zone"),
    path("offices/<int:pk>/plaques/", plaque_views.plaque_office, name="plaque_office"),
    path("plaques/<int:pk>/", plaque_views.plaque_batch, name="plaque_batch"),
    path("plaques/<int:pk>/download/", plaque_views.plaque_batch_download, name="plaque_batch_download"),
]
