"""Scope coverage of the buttons that draft a campaign's documents (campaigns/views/documents.py; see
tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/campaigns/test_documents_scope.py"
COVERAGE: dict[str, str] = {
    "campaigns:document_draft": "own",
    "campaigns:school_document_draft": "own",
}
