"""URLs of the campaigns app (namespace "campaigns", under /campaigns/). The campaign pages are
campaign's; the teams, self-inspection, on-site and results parts append their paths below, each
in its own block (issue [9])."""

from django.urls import path

from dudao.campaigns.views import campaigns

app_name = "campaigns"

urlpatterns: list = [
    path("", campaigns.campaign_list, name="list"),
    path("new/", campaigns.campaign_create_view, name="create"),
    path("<int:pk>/", campaigns.campaign_detail, name="detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="edit"),
    path("<int:pk>/scope/", campaigns.campaign_scope, name="scope"),
    path("<int:pk>/act/<slug:action>/", campaigns.campaign_act, name="act"),
]
# --- teams (督查组, allocation, 回避): campaigns/views/teams.py ---
# --- self-inspection (自查自纠): campaigns/views/self_inspection.py ---
# --- on-site inspection: campaigns/views/onsite.py ---
# --- results: campaigns/views/results.py ---
