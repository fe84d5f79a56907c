"""Scope coverage of the outcomes app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/outcomes/test_scope.py"
COVERAGE: dict[str, str] = {}
