"""Scope coverage of the documents app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/documents/test_scope.py"
COVERAGE: dict[str, str] = {}
