"""Scope coverage of the monitoring URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/monitoring/test_scope.py"
COVERAGE: dict[str, str] = {}
