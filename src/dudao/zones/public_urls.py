"""Public pages (no login): the stable school address printed in plaque QR codes."""

from django.urls import re_path

from dudao.zones import public_views

app_name = "public"
urlpatterns: list = [
    # /s/<学校标识码>/ is printed on every plaque: never change this pattern.
    re_path(r"^(?P<code>\d{10})/$", public_views.school, name="school"),
]
