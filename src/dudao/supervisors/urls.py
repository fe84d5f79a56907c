from django.urls import path

from dudao.supervisors import views

app_name = "supervisors"
urlpatterns = [
    path("", views.supervisor_list_view, name="list"),
    path("export/", views.supervisor_export, name="export"),
    path("new/", views.supervisor_create, name="create"),
    path("<int:pk>/", views.supervisor_detail, name="detail"),
    path("<int:pk>/edit/", views.supervisor_edit, name="edit"),
    path("<int:pk>/photo/", views.supervisor_photo, name="photo"),
    path("<int:pk>/status/", views.supervisor_status, name="status"),
    path("<int:pk>/terms/", views.term_add, name="term_add"),
    path("stats/", views.team_stats_view, name="stats"),
    path("stats/export/", views.team_stats_export, name="stats_export"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/hours/", views.training_hours_view, name="training_hours"),
    path("training/hours/export/", views.training_hours_export, name="training_hours_export"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/attendance/<int:supervisor_pk>/remove/", views.training_attendance_remove,
         name="training_attendance_remove"),
]
