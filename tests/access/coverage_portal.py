"""Scope coverage of the portal app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/portal/test_scope.py"
COVERAGE: dict[str, str] = {}
