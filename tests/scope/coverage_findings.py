"""Scope coverage of the findings URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/findings/test_scope.py"
COVERAGE: dict[str, str] = {}
