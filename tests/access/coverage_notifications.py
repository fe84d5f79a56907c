"""Scope coverage of the notifications URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/notifications/test_scope.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        "notifications:list", "notifications:open", "notifications:read_all",
        "api-1:list_notifications", "api-1:get_unread_count", "api-1:mark_notification_read",
        "api-1:mark_all_notifications_read",
    )
}
