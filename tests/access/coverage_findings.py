"""Scope coverage of the findings URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/findings/test_scope.py"
COVERAGE: dict[str, str] = {
    # the ledger pages (tests/findings/test_views_scope.py)
    "findings:ledger": "own",
    "findings:export": "own",
    "findings:stats": "own",
    "findings:create": "own",
    "findings:settings": "own",
    "findings:settings_save": "own",
    "findings:detail": "own",
    "findings:act": "own",
    "findings:notice_pdf": "own",
    "findings:notice_docx": "own",
    "findings:evidence": "own",
    # the API (tests/findings/test_api_scope.py)
    "api-1:list_findings": "own",
    "api-1:get_finding": "own",
    "api-1:create_finding": "own",
    "api-1:finding_action": "own",
    "api-1:upload_evidence": "own",
}
