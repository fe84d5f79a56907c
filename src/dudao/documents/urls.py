from django.urls import path

from dudao.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.create, name="create"),
    path("templates/", views.template_list, name="templates"),
    path("templates/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/reset/", views.template_reset, name="template_reset"),
    path("series/", views.series, name="series"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path("<int:pk>/v<int:version>/<str:fmt>/", views.version_file, name="version_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/return/", views.return_draft, name="return"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/share/", views.share, name="share"),
]
