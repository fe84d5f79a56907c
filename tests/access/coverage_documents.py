"""Scope coverage of the documents app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/documents/test_scope.py"
COVERAGE: dict[str, str] = {}

# draft review and units' inbox (documents/views_review.py): walked in tests/documents/test_review_scope.py
COVERAGE.update({name: "own" for name in (
    "documents:inbox", "documents:inbox_document", "documents:inbox_download", "documents:comment_add",
    "documents:review", "documents:review_send", "documents:comment_answer", "documents:review_print",
    "documents:review_pdf", "documents:receipts", "documents:receipts_remind", "documents:review_settings")})
