"""On a phone in Chromium: a supervisor starts a visit, loses the network, keeps writing and adds a
photo, reloads the page without network (the draft and the waiting photo come back from the phone),
gets the network back (it all syncs), and double-taps 提交 — one visit is recorded."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit, VisitPhoto, VisitStatus
from dudao.zones.services import assignment_create
from tests.browser.support import NoSignal, log_in, screenshot
from tests.visits.field_support import jpeg

pytestmark = pytest.mark.browser


def _wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the server never got the change")


def test_offline_draft_survives_a_reload_syncs_and_submits_once(browser_cast, page_for, live_server, tmp_path):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    me = supervisor_create(by=None, office=office, name="谢彩飞", kind="full_time", level="county", phone="13700000001",
                           appointed_on=date(2020, 1, 1), user=cast.supervisor)
    assignment_create(supervisor=me, school=cast.A1, starts_on=date(2020, 1, 1))
    page = page_for(width=390, height=844, mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_supervisor")

    # 我的督导 → 开始督导 (no location permission: the visit is marked, not refused)
    page.goto(f"{live_server.url}{reverse('visits:field_home')}")
    expect(page.get_by_test_id("month-progress")).to_contain_text("本月已督导 0 次")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_test_id(f"start-{cast.A1.pk}").click()
    page.wait_for_url("**/visits/field/*-*/")
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.DRAFT and visit.location_status in {"denied", "unavailable"}
    expect(page.get_by_test_id("location")).to_contain_text("记录将标注为未定位")

    page.locator("label.field-choice", has_text="查阅资料").click()
    page.locator("label.field-choice", has_text="招生、收费、择校情况").click()
    page.fill("#id_narrative", "查阅了收费台账。")
    expect(page.get_by_test_id("save-status")).to_contain_text("已同步到服务器")
    _wait_for(lambda: Visit.objects.get().narrative == "查阅了收费台账。")

    # the network drops: writing goes on, the phone keeps it
    signal = NoSignal(page)
    signal.drop()
    expect(page.locator("[data-offline-banner]")).to_be_visible()
    page.fill("#id_narrative", "查阅了收费台账。离线时补充：食堂留样记录不全。")
    page.click("[data-add-problem]")
    problem = page.locator("[data-problem]").first
    problem.locator("select").select_option(label="食堂饮水宿舍卫生")
    problem.locator("textarea[data-key=description]").fill("食堂留样记录不全")
    problem.locator("textarea[data-key=requirement]").fill("建立留样台账，专人负责")
    problem.locator("input[data-key=deadline]").fill((date.today() + timedelta(days=10)).isoformat())
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg(1200, 900))
    page.set_input_files("[data-photo-input]", str(photo))
    expect(page.get_by_test_id("photos")).to_contain_text("离线：联网后自动上传")
    expect(page.get_by_test_id("save-status")).to_contain_text("当前离线")
    screenshot(page, "visit-offline")

    # a reload without network: the page comes from the phone, the draft from localStorage
    reloaded = page.reload()
    # the phone's copy of the page, from before anything was typed: the network was not there
    assert reloaded is not None and reloaded.from_service_worker and "查阅了收费台账" not in reloaded.text()
    expect(page.locator("#id_narrative")).to_have_value("查阅了收费台账。离线时补充：食堂留样记录不全。")
    expect(page.locator("[data-problem] textarea[data-key=description]")).to_have_value("食堂留样记录不全")
    expect(page.get_by_test_id("photos")).to_contain_text("离线：联网后自动上传")  # kept in IndexedDB
    assert Visit.objects.get().narrative == "查阅了收费台账。" and not VisitPhoto.objects.exists()  # nothing sent yet

    # the network returns: it syncs by itself
    signal.restore()
    expect(page.get_by_test_id("save-status")).to_contain_text("已同步到服务器", timeout=20000)
    _wait_for(lambda: Visit.objects.get().problems.count() == 1)
    expect(page.get_by_test_id("photos")).to_contain_text("已上传")
    assert VisitPhoto.objects.get().width == 1200
    assert Visit.objects.get().narrative.endswith("食堂留样记录不全。")

    # a double tap on 提交: one visit
    page.get_by_test_id("submit").dblclick()
    page.wait_for_url(f"**/visits/{visit.pk}/")
    expect(page.get_by_test_id("problems")).to_contain_text("建立留样台账，专人负责")
    again = page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
            const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                                        body: JSON.stringify({narrative: '重放'})});
            return [r.status, (await r.json()).server_id];
        }""",
        reverse("visits:field_submit", args=[visit.client_id]),
    )
    assert again == [200, visit.pk]
    assert Visit.objects.count() == 1
    final = Visit.objects.get()
    assert final.status == VisitStatus.SUBMITTED and final.narrative.endswith("食堂留样记录不全。")
    assert page.evaluate(f"localStorage.getItem('dudao.visit.{visit.client_id}')") is None
    screenshot(page, "visit-submitted")
    assert errors == []
