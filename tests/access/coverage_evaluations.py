"""Scope coverage of the evaluations app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/evaluations/test_scope.py"
COVERAGE: dict[str, str] = {}
