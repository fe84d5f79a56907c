"""Scope coverage of the bulletins app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/bulletins/test_scope.py"
COVERAGE: dict[str, str] = {
    "bulletins:list": "own",
    "bulletins:new": "own",
    "bulletins:detail": "own",
    "bulletins:draft": "own",
    "bulletins:export": "own",
}
