"""The public answer pages (no login), routed at `/q/` by the project's URL conf."""

from django.urls import re_path

from dudao.surveys.views import public

app_name = "surveys_public"
urlpatterns = [
    re_path(r"^(?P<token>[A-Za-z0-9_-]{6,32})/$", public.survey_answer, name="answer"),
    re_path(r"^(?P<token>[A-Za-z0-9_-]{6,32})/thanks/$", public.survey_thanks, name="thanks"),
]
