from django.urls import path

from dudao.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list_view, name="list"),
    path("new/", views.framework_create, name="create"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/edit/", views.framework_edit, name="edit"),
    path("<int:pk>/draft/", views.framework_new_draft, name="new_draft"),
    path("<int:pk>/indicators/new/", views.indicator_edit, name="indicator_add"),
    path("<int:pk>/indicators/<int:indicator_pk>/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/indicators/<int:indicator_pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
    path("<int:pk>/active/", views.framework_active, name="active"),
    path("<int:pk>/copy/", views.framework_copy, name="copy"),
    path("<int:pk>/export/", views.framework_export, name="export"),
    path("<int:pk>/import/", views.framework_import, name="import"),
]
