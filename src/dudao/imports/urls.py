from django.urls import path

from dudao.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    path("template/<str:kind>/", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/errors.xlsx", views.job_errors_export, name="errors_export"),
]
