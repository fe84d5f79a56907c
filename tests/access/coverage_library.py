"""Scope coverage of the library app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/library/test_scope.py"
COVERAGE: dict[str, str] = {}
