"""Scope coverage of the notifications URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/notifications/test_scope.py"
COVERAGE: dict[str, str] = {}
