"""Scope coverage of the framework library's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/frameworks/test_scope.py"
COVERAGE: dict[str, str] = {
    "frameworks:list": "own",
    "frameworks:create": "own",
    "frameworks:detail": "own",
    "frameworks:edit": "own",
    "frameworks:new_draft": "own",
    "frameworks:indicator_add": "own",
    "frameworks:indicator_edit": "own",
    "frameworks:indicator_delete": "own",
    "frameworks:publish": "own",
    "frameworks:active": "own",
    "frameworks:copy": "own",
    "frameworks:export": "own",
    "frameworks:import": "own",
    "api-1:list_frameworks": "own",
    "api-1:get_framework": "own",
    "api-1:export_framework": "own",
    "api-1:create_framework": "own",
    "api-1:copy_framework": "own",
    "api-1:publish_framework": "own",
    "api-1:import_framework": "own",
}
