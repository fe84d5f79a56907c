"""Scope coverage of the campaigns' self-inspection and results URLs (scoring helper's part; see
tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/campaigns/test_results_scope.py"
COVERAGE: dict[str, str] = {
    "campaigns:self_form": "own",
    "campaigns:self_evidence_upload": "own",
    "campaigns:self_evidence_file": "own",
    "campaigns:self_evidence_delete": "own",
    "campaigns:self_list": "own",
    "campaigns:self_reopen": "own",
    "campaigns:self_late": "own",
    "campaigns:result_list": "own",
    "campaigns:result_export": "own",
    "campaigns:result_compute": "own",
    "campaigns:result_findings": "own",
    "campaigns:result_school": "own",
    "api-1:get_self_inspection": "own",
    "api-1:save_self_inspection": "own",
    "api-1:submit_self_inspection": "own",
    "api-1:list_results": "own",
    "api-1:list_flags": "own",
    "api-1:get_school_result": "own",
}
