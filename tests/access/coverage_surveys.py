"""Scope coverage of the surveys app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/surveys/test_scope.py"
COVERAGE: dict[str, str] = {}
