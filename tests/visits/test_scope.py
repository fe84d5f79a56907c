"""Every visits URL as every persona. The walks live beside each part's tests (named here, so the
every-URL check can find them; they are collected from their own files, never twice):

- plans:  "visits:plan_mine", "visits:plans"  (tests/visits/test_plans_views.py::test_plan_pages_as_every_persona)
- office: "visits:compliance", "visits:not_visited", "visits:not_visited_export", "visits:calendar",
          "visits:rules", "visits:rule_override", "visits:log", "visits:log_export", "visits:record_pdf",
          "visits:record_file", "visits:compliance_export", "api-1:get_compliance" (tests/visits/test_scope_office.py)
- field:  "visits:field_home", "visits:field_start", "visits:field_sw", "visits:field_form",
          "visits:field_autosave", "visits:field_submit", "visits:photo_upload", "visits:draft_discard",
          "visits:photo_remove", "visits:photo", "visits:detail",
          "api-1:create_visit", "api-1:list_visits", "api-1:get_visit", "api-1:add_visit_photo"
          (tests/visits/test_scope_field.py)
- 随访·视导: "visits:followup_home", "visits:followup_start" (tests/visits/test_followup_scope.py)
"""

