from django.urls import path

from dudao.visits.views import field as views_field
from dudao.visits.views import followup as views_followup
from dudao.visits.views import office as views_office
from dudao.visits.views import plans as views_plans

app_name = "visits"

urlpatterns: list = [
    # --- monthly plans ---------------------------------------------------------------------------
    path("plans/mine/", views_plans.my_plan, name="plan_mine"),
    path("plans/", views_plans.office_plans, name="plans"),
    # --- the supervisor's phone pages (record a visit, drafts, photos, plans) --------------------
    path("field/", views_field.home, name="field_home"),
    path("field/start/", views_field.start, name="field_start"),
    path("field/sw.js", views_field.service_worker, name="field_sw"),
    path("field/<uuid:client_id>/", views_field.form, name="field_form"),
    path("field/<uuid:client_id>/autosave/", views_field.autosave, name="field_autosave"),
    path("field/<uuid:client_id>/submit/", views_field.submit, name="field_submit"),
    path("field/<uuid:client_id>/photos/", views_field.photo_upload, name="photo_upload"),
    path("field/<uuid:client_id>/discard/", views_field.discard, name="draft_discard"),
    path("field/photos/<uuid:client_id>/remove/", views_field.photo_delete, name="photo_remove"),
    path("photos/<int:pk>/", views_field.photo, name="photo"),
    # --- 随访·视导 (visits/followup.py): the same form, another basis ----------------------------
    path("followup/", views_followup.home, name="followup_home"),
    path("followup/start/", views_followup.start, name="followup_start"),
    path("<int:pk>/", views_field.detail, name="detail"),
    # --- the office's pages (compliance, never visited, calendar, visit log, record sheet) ------
    path("office/compliance/", views_office.compliance, name="compliance"),
    path("office/compliance/export/", views_office.compliance_export, name="compliance_export"),
    path("office/not-visited/", views_office.not_visited, name="not_visited"),
    path("office/not-visited/export/", views_office.not_visited_export, name="not_visited_export"),
    path("office/calendar/", views_office.calendar, name="calendar"),
    path("office/rules/", views_office.rules, name="rules"),
    path("office/rules/<int:pk>/override/", views_office.rule_override, name="rule_override"),
    path("log/", views_office.log, name="log"),
    path("log/export/", views_office.log_export, name="log_export"),
    path("<int:pk>/record.pdf", views_office.record_pdf, name="record_pdf"),
    path("<int:pk>/record/file/", views_office.record_file, name="record_file"),
]
