"""Every findings URL as every persona. The walks live beside each part's tests (named here, so the
every-URL check can find them; they are collected from their own files, never twice):

- ledger pages: "findings:ledger", "findings:export", "findings:stats", "findings:create",
  "findings:settings", "findings:settings_save", "findings:detail", "findings:act",
  "findings:notice_pdf", "findings:notice_docx", "findings:evidence"
  (tests/findings/test_views_scope.py)
- API: "api-1:list_findings", "api-1:get_finding", "api-1:create_finding", "api-1:finding_action",
  "api-1:upload_evidence"  (tests/findings/test_api_scope.py)
"""

