"""Scope coverage of the governance app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/governance/test_scope.py"
COVERAGE: dict[str, str] = {
    "governance:index": "own",
    "governance:units": "own",
    "governance:units_generate": "own",
    "governance:unit_create": "own",
    "governance:unit_edit": "own",
    "governance:campaign": "own",
    "governance:campaign_units": "own",
    "governance:late": "own",
    "governance:results": "own",
    "governance:results_export": "own",
    "governance:entry": "own",
    "governance:unit_team": "own",
    "governance:self_form": "own",
    "governance:evidence_upload": "own",
    "governance:evidence_file": "own",
    "governance:score": "own",
    "governance:reconcile": "own",
    "governance:opinion": "own",
    "governance:opinion_print": "own",
    "governance:opinion_pdf": "own",
    "governance:findings_register": "own",
    "governance:recheck": "own",
}
