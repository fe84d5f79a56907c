"""Scope coverage of the governance app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/governance/test_scope.py"
COVERAGE: dict[str, str] = {}
