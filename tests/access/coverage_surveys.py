"""Scope coverage of the surveys app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/surveys/test_scope.py"
COVERAGE: dict[str, str] = {}

# --- results (问卷调查结果, helper "results"): walked as every persona by tests/surveys/test_scope_results.py ---
COVERAGE.update({
    "surveys:results_index": "own",
    "surveys:results": "own",
    "surveys:results_texts": "own",
    "surveys:results_export": "own",
    "surveys:responses_export": "own",
    "surveys:results_findings": "own",
    "api-1:results_surveys": "own",
    "api-1:results_survey": "own",
    "api-1:results_survey_schools": "own",
})
