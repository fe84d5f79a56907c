"""/public/: the public results portal (no login) and, under manage/, the staff pages of 公示."""

from django.urls import path, re_path

from dudao.portal.views import office, public

app_name = "portal"

urlpatterns: list = [
    path("", public.index, name="index"),
    path("d/<int:pk>/", public.document, name="document"),
    path("d/<int:pk>/pdf/", public.document_pdf, name="document_pdf"),
    re_path(r"^s/(?P<code>\d{10})/$", public.school, name="school"),
    path("search/", public.search, name="search"),
    path("data/", public.data, name="data"),
    path("data.csv", public.export_csv, name="export_csv"),
    path("data.xlsx", public.export_xlsx, name="export_xlsx"),
    path("notices/", public.publicity_list, name="publicity_list"),
    path("notices/<int:pk>/", public.publicity, name="publicity"),
    path("notices/<int:pk>/files/<int:file_pk>/", public.publicity_attachment, name="publicity_attachment"),
    # 公示管理 (login)
    path("manage/", office.manage, name="manage"),
    path("manage/new/", office.create, name="create"),
    path("manage/<int:pk>/edit/", office.edit, name="edit"),
    path("manage/<int:pk>/withdraw/", office.withdraw, name="withdraw"),
]
