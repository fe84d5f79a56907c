"""Scope coverage of the surveys app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/surveys/test_scope.py"
COVERAGE: dict[str, str] = {
    "surveys:index": "own",
    "surveys:create": "own",
    "surveys:detail": "own",
    "surveys:state": "own",
    "surveys:links_generate": "own",
    "surveys:link_edit": "own",
    "surveys:links_print": "own",
    "surveys:suspicious": "own",
    "surveys:response_void": "own",
    "surveys:questionnaires": "own",
    "surveys:questionnaire": "own",
    "surveys:questionnaire_copy": "own",
    "surveys:questionnaire_edit": "own",
    "surveys:question_add": "own",
    "surveys:question_edit": "own",
    "surveys:question_delete": "own",
    "surveys:question_move": "own",
    # The public answer pages (no login): they show only the link's questionnaire and write only
    # through the abuse checks (tests/surveys/test_public.py); walked as every persona and anonymous.
    "surveys_public:answer": "own",
    "surveys_public:thanks": "own",
}

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
