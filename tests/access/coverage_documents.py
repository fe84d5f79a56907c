"""Scope coverage of the documents app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/documents/test_scope.py"
COVERAGE: dict[str, str] = {
    "documents:list": "own",
    "documents:create": "own",
    "documents:templates": "own",
    "documents:template_copy": "own",
    "documents:template_edit": "own",
    "documents:template_reset": "own",
    "documents:series": "own",
    "documents:detail": "own",
    "documents:edit": "own",
    "documents:history": "own",
    "documents:draft_pdf": "own",
    "documents:version_file": "own",
    "documents:submit": "own",
    "documents:check": "own",
    "documents:return": "own",
    "documents:sign": "own",
    "documents:revise": "own",
    "documents:publish": "own",
    "documents:share": "own",
    "api-1:list_documents": "own",
    "api-1:get_document": "own",
    "api-1:document_pdf": "own",
}

# draft review and units' inbox (documents/views_review.py): walked in tests/documents/test_review_scope.py
COVERAGE.update({name: "own" for name in (
    "documents:inbox", "documents:inbox_document", "documents:inbox_download", "documents:comment_add",
    "documents:review", "documents:review_send", "documents:comment_answer", "documents:review_print",
    "documents:review_pdf", "documents:receipts", "documents:receipts_remind", "documents:review_settings")})
