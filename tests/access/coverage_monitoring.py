"""Scope coverage of the monitoring URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/monitoring/test_scope.py"
COVERAGE: dict[str, str] = {
    "monitoring:index": "own",
    "monitoring:mine": "own",
    "monitoring:indicator": "own",
    "monitoring:school": "own",
    "monitoring:export": "own",
    "monitoring:warnings": "own",
    "monitoring:recompute": "own",
    "monitoring:run_status": "own",
    # Decision support (达标测算): walked as every persona in tests/monitoring/test_scope_planning.py
    # (imported by OWN_TESTS, which names them).
    "monitoring:planning": "own",
    "monitoring:planning_export": "own",
    # No data in it (headers, examples, the method): 200 for every signed-in persona, login for
    # anonymous — walked in tests/monitoring/test_scope.py (and test_balance_cli.py).
    "monitoring:balance_template": "own",
}
