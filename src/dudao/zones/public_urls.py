"""Public pages (no login): the stable school address printed in plaque QR codes, and — included by
name from complaints/public_urls.py — the complaint form and tracking page the school page links to."""

from django.urls import include, re_path

from dudao.zones.views import public as public_views

app_name = "public"
urlpatterns: list = [
    # /s/<学校标识码>/ is printed on every plaque: never change this pattern.
    re_path(r"^(?P<code>\d{10})/$", public_views.school, name="school"),
    re_path(r"", include("dudao.complaints.public_urls")),
]
