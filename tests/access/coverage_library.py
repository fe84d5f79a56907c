"""Scope coverage of the library app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/library/test_scope.py"
COVERAGE: dict[str, str] = {
    "library:index": "own",
    "library:policy_create": "own",
    "library:policy": "own",
    "library:policy_edit": "own",
    "library:policy_file": "own",
    "library:notices": "own",
    "library:notice_create": "own",
    "library:notice": "own",
    "library:notice_edit": "own",
    "library:notice_file": "own",
    "library:notice_publish": "own",
    "library:notice_withdraw": "own",
    "library:notice_remind": "own",
    "library:notice_receipts": "own",
}
