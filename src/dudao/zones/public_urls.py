"""Public pages (no login): the stable school address printed in plaque QR codes, and the
complaint form and tracking page that the school page links to (complaints/views/public.py)."""

from django.urls import path, re_path

from dudao.complaints.views import public as complaint_views
from dudao.zones.views import public as public_views

app_name = "public"
urlpatterns: list = [
    # /s/<学校标识码>/ is printed on every plaque: never change this pattern.
    re_path(r"^(?P<code>\d{10})/$", public_views.school, name="school"),
    re_path(r"^(?P<code>\d{10})/complaint/$", complaint_views.complaint_form, name="complaint"),
    path("track/", complaint_views.complaint_track, name="complaint_track"),
]
