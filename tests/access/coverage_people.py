"""Scope coverage of the account pages (see tests/access/test_every_url_every_role.py).

Office staff manage the accounts wholly inside their region subtrees, the admin all of them, nobody
else any: tests/people/test_accounts.py walks these URLs as every persona."""

OWN_TESTS = "tests/people/test_accounts.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        "people:user_list", "people:user_detail", "people:grant_add", "people:grant_remove", "people:user_password",
        "people:user_unlock", "people:batch_accounts", "people:batch_active",
        "api-1:list_accounts", "api-1:create_batch", "api-1:set_active",
    )
}
