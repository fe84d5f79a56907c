"""Scope of the surveys app: every URL as every persona (named in tests/access/coverage_surveys.py)."""

# --- results (问卷调查结果) ----------------------------------------------------------------------------------
# The results URLs are walked as every persona in tests/surveys/test_scope_results.py:
# "surveys:results_index", "surveys:results", "surveys:results_texts", "surveys:results_export",
# "surveys:responses_export", "surveys:results_findings", "api-1:results_surveys", "api-1:results_survey",
# "api-1:results_survey_schools".
