from django.urls import path

from dudao.people import views

app_name = "people"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/batch/", views.batch_accounts, name="batch_accounts"),
    path("users/batch-active/", views.batch_active, name="batch_active"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/grants/", views.grant_add, name="grant_add"),
    path("users/<int:pk>/grants/<int:grant_pk>/delete/", views.grant_remove, name="grant_remove"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
]
