"""Scope coverage of the visits URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/visits/test_scope.py"
COVERAGE: dict[str, str] = {
    "visits:plan_mine": "own",
    "visits:plans": "own",
}
