"""URLs of the campaigns app (namespace "campaigns", under /campaigns/). The campaign pages are
campaign's; the teams, self-inspection, on-site and results parts append their paths below, each
in its own block (issue [9])."""

from django.urls import path

from dudao.campaigns.views import campaigns, dashboard, results, self_inspection
from dudao.campaigns.views import documents as views_documents
from dudao.campaigns.views import onsite as views_onsite
from dudao.campaigns.views import teams as team_views

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
urlpatterns += [
    # teams (督查组), allocation, the mobilisation sheet and 回避 ties
    path("<int:pk>/teams/", team_views.team_index, name="team_index"),
    path("<int:pk>/teams/new/", team_views.team_create, name="team_create"),
    path("<int:pk>/teams/allocate/", team_views.team_allocate, name="team_allocate"),
    path("<int:pk>/teams/move/", team_views.team_move, name="team_move"),
    path("<int:pk>/teams/sheet/", team_views.team_sheet, name="team_sheet"),
    path("<int:pk>/teams/sheet.xlsx", team_views.team_sheet_export, name="team_sheet_export"),
    path("<int:pk>/teams/sheet.pdf", team_views.team_sheet_pdf, name="team_sheet_pdf"),
    path("teams/mine/", team_views.team_mine, name="team_mine"),
    path("teams/<int:pk>/", team_views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", team_views.team_rename, name="team_rename"),
    path("teams/<int:pk>/delete/", team_views.team_delete, name="team_delete"),
    path("teams/<int:pk>/members/", team_views.team_member_add, name="team_member_add"),
    path("team-members/<int:pk>/edit/", team_views.team_member_edit, name="team_member_edit"),
    path("team-members/<int:pk>/remove/", team_views.team_member_remove, name="team_member_remove"),
    path("team-members/<int:pk>/leader/", team_views.team_leader_set, name="team_leader_set"),
    path("ties/", team_views.tie_list, name="tie_list"),
    path("ties/new/", team_views.tie_add, name="tie_add"),
    path("ties/<int:pk>/delete/", team_views.tie_delete, name="tie_delete"),
]
# --- self-inspection (自查自纠): campaigns/views/self_inspection.py ---
urlpatterns += [
    # 自查自纠 (views/self_inspection.py)
    path("<int:pk>/self/", self_inspection.self_form, name="self_form"),
    path("<int:pk>/self/evidence/", self_inspection.self_evidence_upload, name="self_evidence_upload"),
    path("<int:pk>/self/evidence/<int:evidence_id>/", self_inspection.self_evidence_file, name="self_evidence_file"),
    path("<int:pk>/self/evidence/<int:evidence_id>/delete/", self_inspection.self_evidence_delete,
         name="self_evidence_delete"),
    path("<int:pk>/self/schools/", self_inspection.self_list, name="self_list"),
    path("<int:pk>/self/schools/<int:school_id>/reopen/", self_inspection.self_reopen, name="self_reopen"),
    path("<int:pk>/self/late/", self_inspection.self_late, name="self_late"),
]
# --- on-site inspection (campaigns/onsite.py): the scoring form is visits:field_form ---
urlpatterns += [
    path("onsite/", views_onsite.mine, name="onsite_mine"),
    path("onsite/start/", views_onsite.start, name="onsite_start"),
    path("<int:pk>/onsite/<int:school_pk>/reconcile/", views_onsite.reconcile, name="onsite_reconcile"),
]
# --- results: campaigns/views/results.py ---
urlpatterns += [
    # results (views/results.py)
    path("<int:pk>/results/", results.result_list, name="result_list"),
    path("<int:pk>/results/export/", results.result_export, name="result_export"),
    path("<int:pk>/results/compute/", results.result_compute, name="result_compute"),
    path("<int:pk>/results/findings/", results.result_findings, name="result_findings"),
    path("<int:pk>/results/<int:school_id>/", results.result_school, name="result_school"),
]
# --- dashboard and summary (看板 · 总结): campaigns/views/dashboard.py ---
urlpatterns += [
    path("<int:pk>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("<int:pk>/dashboard/export/", dashboard.dashboard_export, name="dashboard_export"),
    path("<int:pk>/summary/", dashboard.summary, name="summary"),
]
# --- documents drafted from the campaign's data (campaigns/documents.py): campaigns/views/documents.py ---
urlpatterns += [
    path("<int:pk>/documents/<slug:kind>/", views_documents.campaign_document, name="document_draft"),
    path("<int:pk>/results/<int:school_id>/documents/<slug:kind>/", views_documents.school_document,
         name="school_document_draft"),
]
