"""Scope coverage of the visits URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/visits/test_scope.py"
COVERAGE: dict[str, str] = {
    "visits:plan_mine": "own",
    "visits:plans": "own",
    # the supervisor's phone pages and the visits API (tests/visits/test_scope_field.py)
    "visits:field_home": "own",
    "visits:field_start": "own",
    "visits:field_sw": "own",
    "visits:field_form": "own",
    "visits:field_autosave": "own",
    "visits:field_submit": "own",
    "visits:photo_upload": "own",
    "visits:draft_discard": "own",
    "visits:photo_remove": "own",
    "visits:photo": "own",
    "visits:detail": "own",
    "api-1:create_visit": "own",
    "api-1:list_visits": "own",
    "api-1:get_visit": "own",
    "api-1:add_visit_photo": "own",
    "visits:compliance": "own",
    "visits:compliance_export": "own",
    "api-1:get_compliance": "own",
    "visits:not_visited": "own",
    "visits:not_visited_export": "own",
    "visits:calendar": "own",
    "visits:rules": "own",
    "visits:rule_override": "own",
    "visits:log": "own",
    "visits:log_export": "own",
    "visits:record_pdf": "own",
}
