"""Scope coverage of the zones URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/zones/test_scope.py"
COVERAGE: dict[str, str] = {}
