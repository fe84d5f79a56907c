"""Scope coverage of the evaluations app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/evaluations/test_scope.py"
COVERAGE: dict[str, str] = {
    "evaluations:list": "own",
    "evaluations:create": "own",
    "evaluations:detail": "own",
    "evaluations:checklist": "own",
    "evaluations:export": "own",
    "evaluations:refresh": "own",
    "evaluations:item": "own",
    "evaluations:evidence_upload": "own",
    "evaluations:evidence_delete": "own",
    "evaluations:evidence": "own",
    "evaluations:step": "own",
    "evaluations:campaign": "own",
    "api-1:list_dossiers": "own",
    "api-1:get_dossier": "own",
    "api-1:get_checklist": "own",
    "api-1:take_step": "own",
}
