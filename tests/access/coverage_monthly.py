"""Scope coverage of the monthly app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/monthly/test_scope.py"
COVERAGE: dict[str, str] = {
    "monthly:index": "own",
    "monthly:draft": "own",
    "monthly:detail": "own",
    "monthly:export": "own",
    "monthly:regenerate": "own",
}
