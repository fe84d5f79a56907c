from django.urls import path

from dudao.system import views

app_name = "system"
urlpatterns = [
    path("dictionaries/", views.dictionary_list, name="dictionary_list"),
    path("dictionaries/new/", views.dictionary_edit, name="dictionary_create"),
    path("dictionaries/<int:pk>/", views.dictionary_edit, name="dictionary_edit"),
    path("operation-log/", views.operation_log, name="operation_log"),
    path("login-log/", views.login_log, name="login_log"),
]
