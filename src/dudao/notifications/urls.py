from django.urls import path

from dudao.notifications import views

app_name = "notifications"
urlpatterns: list = [
    path("", views.notification_index, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read-all/", views.notification_read_all, name="read_all"),
]
