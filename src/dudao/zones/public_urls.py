"""Public pages (no login): the stable school address printed in plaque QR codes."""

from django.urls import path

app_name = "public"
urlpatterns: list = []
