"""Scope coverage of the portal app's URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/portal/test_scope.py"
COVERAGE: dict[str, str] = {
    name: "own"
    for name in (
        # the public portal (no login): only what was published, the same for every persona and anonymous
        "portal:index", "portal:document", "portal:document_pdf", "portal:school", "portal:search", "portal:data",
        "portal:export_csv", "portal:export_xlsx", "portal:publicity_list", "portal:publicity",
        "portal:publicity_attachment",
        # 公示管理 (login): office subtree
        "portal:manage", "portal:create", "portal:edit", "portal:withdraw",
    )
}
