"""Scope coverage of the plaques URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/plaques/test_scope.py"
COVERAGE: dict[str, str] = {}
