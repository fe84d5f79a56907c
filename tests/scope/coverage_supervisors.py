"""Scope coverage of the supervisors URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/supervisors/test_scope.py"
COVERAGE: dict[str, str] = {}
