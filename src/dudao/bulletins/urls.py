from django.urls import path

from dudao.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_new, name="new"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/draft/", views.bulletin_draft, name="draft"),
    path("<int:pk>/figures.xlsx", views.bulletin_export, name="export"),
]
