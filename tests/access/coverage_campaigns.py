"""Scope coverage of the campaign URLs (see tests/access/test_every_url_every_role.py): the campaign
pages and API of issue [9] item 2, walked as every persona (and the third-party evaluator before,
during and after its window) by tests/campaigns/test_campaign_scope.py. The teams, self-inspection,
on-site and results parts add their own coverage_campaigns_<part>.py modules."""

OWN_TESTS = "tests/campaigns/test_campaign_scope.py"
COVERAGE: dict[str, str] = {
    "campaigns:list": "own",
    "campaigns:create": "own",
    "campaigns:detail": "own",
    "campaigns:edit": "own",
    "campaigns:scope": "own",
    "campaigns:act": "own",
    "api-1:list_campaigns": "own",
    "api-1:get_campaign": "own",
    "api-1:create_campaign": "own",
    "api-1:update_campaign": "own",
    "api-1:campaign_action": "own",
    "api-1:campaign_scope_preview": "own",
    "api-1:campaign_scope_set": "own",
}
