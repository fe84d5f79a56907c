"""End to end in Chromium: the county office opens accounts for its supervisors in batch, sees the
one-time passwords (and downloads them as Excel), and a new supervisor is made to change the
password at first login before anything else."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.people.models import User
from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from tests.browser.support import log_in, screenshot, xlsx_rows

pytestmark = pytest.mark.browser


def test_office_opens_supervisor_accounts_and_the_first_login_changes_the_password(browser_cast, page_for, live_server):
    office = Office.objects.get(region__code="430182")
    for name, phone in (("谢彩飞", "13812345678"), ("周建平", "13812345679"), ("不开通", "13812345670")):
        supervisor_create(by=None, office=office, name=name, kind="full_time", level="county", phone=phone)

    page = page_for()
    log_in(page, live_server, "t_county")
    page.click("text=督学队伍")
    page.click("[data-testid=nav-accounts]")
    page.click("[data-testid=batch-accounts-link]")
    expect(page.get_by_test_id("batch-candidates")).to_contain_text("谢彩飞")
    page.get_by_label("不开通").uncheck()  # every candidate is ticked; the office leaves one out
    page.click("[data-testid=batch-create]")

    expect(page.get_by_test_id("one-time-warning")).to_contain_text("只在本页显示这一次")
    usernames = page.get_by_test_id("issued-username").all_inner_texts()
    passwords = page.get_by_test_id("issued-password").all_inner_texts()
    assert usernames == ["430182-d001", "430182-d002"]
    assert len(set(passwords)) == 2 and all(len(p) == 10 for p in passwords)
    screenshot(page, "batch-accounts-result")
    with page.expect_download() as download_info:
        page.click("[data-testid=accounts-xlsx]")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = xlsx_rows(download)
    assert [r[3:] for r in rows[1:]] == [[u, p] for u, p in zip(usernames, passwords, strict=True)]
    linked = {s.name: s.user.username for s in Supervisor.objects.filter(user__isnull=False)}
    assert set(linked.values()) == set(usernames) and "不开通" not in linked

    # The new supervisor logs in with the printed password and must change it first.
    first = page_for()
    first.goto(f"{live_server.url}/accounts/login/")
    first.fill("#id_username", usernames[0])
    first.fill("#id_password", passwords[0])
    first.click("button[type=submit]")
    first.wait_for_url(f"{live_server.url}/people/me/")
    expect(first.get_by_test_id("must-change-password")).to_be_visible()
    first.goto(f"{live_server.url}/visits/field/")
    first.wait_for_url(f"{live_server.url}/people/me/")  # field pages too
    first.fill("#id_password", "Xie-caifei-2026")
    first.click("button:has-text('保存')")
    first.wait_for_url(f"{live_server.url}/visits/field/")  # home sends a supervisor on to 我的督导
    expect(first.locator(".alert-success")).to_contain_text("密码已修改")
    assert not User.objects.get(username=usernames[0]).must_change_password
    first.goto(f"{live_server.url}/visits/field/")
    assert first.url == f"{live_server.url}/visits/field/"
