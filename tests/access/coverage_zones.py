"""Scope coverage of the zones URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/zones/test_scope.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        "zones:index", "zones:create", "zones:detail", "zones:edit", "zones:delete", "zones:add_schools",
        "zones:remove_school", "zones:school", "zones:assign", "zones:join", "zones:assignment_end",
        "zones:export", "api-1:list_zones", "api-1:get_zone", "api-1:get_coverage", "api-1:list_assignments", "api-1:create_assignment",
    )
}
