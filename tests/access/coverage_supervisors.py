"""Scope coverage of the supervisors URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/supervisors/test_scope.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        "supervisors:list", "supervisors:export", "supervisors:create", "supervisors:detail", "supervisors:edit",
        "supervisors:photo", "supervisors:status", "supervisors:term_add", "supervisors:stats",
        "supervisors:training_list", "supervisors:training_create", "supervisors:training_detail",
        "supervisors:training_attendance_remove", "supervisors:training_hours", "supervisors:training_hours_export",
        "api-1:list_supervisors", "api-1:get_supervisor", "api-1:get_team_stats", "supervisors:stats_export",
        "api-1:list_training_sessions", "api-1:get_training_session", "api-1:get_training_hours",
    )
}
