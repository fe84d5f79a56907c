"""Scope of the documents app: every URL as every persona (named in tests/access/coverage_documents.py)."""

# draft review and units' inbox (review helper): walked in "tests/documents/test_review_scope.py"
REVIEW_URLS = ("documents:inbox", "documents:inbox_document", "documents:inbox_download", "documents:comment_add",
               "documents:review", "documents:review_send", "documents:comment_answer", "documents:review_print",
               "documents:review_pdf", "documents:receipts", "documents:receipts_remind", "documents:review_settings")
