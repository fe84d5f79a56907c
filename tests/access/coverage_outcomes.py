"""Scope coverage of the outcomes app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/outcomes/test_scope.py"
COVERAGE: dict[str, str] = {
    "outcomes:index": "own",
    "outcomes:export": "own",
    "outcomes:pdf": "own",
    "outcomes:cockpit": "own",
    "outcomes:school": "own",
    "outcomes:school_pdf": "own",
    "outcomes:decision_new": "own",
}
