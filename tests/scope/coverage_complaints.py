"""Scope coverage of the complaints URLs (see tests/scope/test_every_url_every_role.py)."""

OWN_TESTS = "tests/complaints/test_scope.py"
COVERAGE: dict[str, str] = {}
