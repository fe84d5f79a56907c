"""Scope coverage of the team URLs of campaigns (督查组, allocation, the mobilisation sheet, 回避
ties; see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/campaigns/test_teams_scope.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        "campaigns:team_index", "campaigns:team_create", "campaigns:team_allocate", "campaigns:team_move",
        "campaigns:team_sheet", "campaigns:team_sheet_export", "campaigns:team_sheet_pdf", "campaigns:team_mine",
        "campaigns:team_detail", "campaigns:team_rename", "campaigns:team_delete", "campaigns:team_member_add",
        "campaigns:team_member_edit", "campaigns:team_member_remove", "campaigns:team_leader_set", "campaigns:tie_list", "campaigns:tie_add",
        "campaigns:tie_delete",
        "api-1:list_campaign_teams", "api-1:create_campaign_team", "api-1:my_teams", "api-1:get_campaign_team",
        "api-1:rename_campaign_team", "api-1:delete_campaign_team", "api-1:add_team_member",
        "api-1:remove_team_member", "api-1:update_team_member", "api-1:set_team_leader", "api-1:get_allocation", "api-1:run_allocation",
        "api-1:move_school", "api-1:list_conflicts", "api-1:list_school_ties", "api-1:create_school_tie",
        "api-1:delete_school_tie",
    )
}
