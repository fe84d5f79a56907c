"""The public complaint form opened from a school's plaque page and the tracking page (no login),
in the `public:` namespace: zones' public URL conf (`/s/`) includes these patterns by name."""

from django.urls import path, re_path

from dudao.complaints.views import public as complaint_views

urlpatterns: list = [
    re_path(r"^(?P<code>\d{10})/complaint/$", complaint_views.complaint_form, name="complaint"),
    path("track/", complaint_views.complaint_track, name="complaint_track"),
]
