from django.urls import path

from dudao.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.policy_create, name="policy_create"),
    path("<int:pk>/", views.policy, name="policy"),
    path("<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/file/", views.policy_file, name="policy_file"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/file/", views.notice_file, name="notice_file"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/remind/", views.notice_remind, name="notice_remind"),
    path("notices/<int:pk>/receipts/", views.notice_receipts, name="notice_receipts"),
]
