"""Scope coverage of the on-site inspection URLs (campaigns/onsite.py; see
tests/access/test_every_url_every_role.py). The scoring form itself is visits:field_form."""

OWN_TESTS = "tests/campaigns/test_onsite_scope.py"
COVERAGE: dict[str, str] = {
    "campaigns:onsite_mine": "own",
    "campaigns:onsite_start": "own",
    "campaigns:onsite_reconcile": "own",
    "api-1:submit_onsite": "own",
    "api-1:get_onsite_reconcile": "own",
    "api-1:put_onsite_reconcile": "own",
    "api-1:add_onsite_item_photo": "own",
}
