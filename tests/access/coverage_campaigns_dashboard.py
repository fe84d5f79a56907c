"""Scope coverage of the campaign dashboard and summary URLs (dashboard helper's part; see
tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/campaigns/test_dashboard_scope.py"
COVERAGE: dict[str, str] = {
    "campaigns:dashboard": "own",
    "campaigns:dashboard_export": "own",
    "campaigns:summary": "own",
    "api-1:get_dashboard": "own",
    "api-1:get_summary": "own",
}
