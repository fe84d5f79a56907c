"""Scope coverage of the school pages added after the foundation (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/schools/test_edit.py"
COVERAGE: dict[str, str] = {"schools:edit": "own"}
