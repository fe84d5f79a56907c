"""On a phone in Chromium: a third-party member of a campaign team (no supervisor record) starts the
on-site inspection of a school allocated to their team, scores one item online, loses the network,
scores the others and taps 提交 offline, reloads the page without network (the answers come back
from the phone), and when the network returns the submission goes through by itself — one visit,
one Score row per item, none twice."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dudao.campaigns.models import CampaignEvidence, Score, ScoreKind
from dudao.visits.models import Visit, VisitBasis, VisitPhoto, VisitStatus
from tests.browser.support import NoSignal, screenshot
from tests.campaigns import conftest as campaign_fixtures
from tests.campaigns.onsite_support import build_onsite
from tests.visits.field_support import jpeg

pytestmark = pytest.mark.browser
# the shared campaign fixtures (tests/campaigns/conftest.py), over the browser's committed cast
small_version = campaign_fixtures.small_version
county_campaign = campaign_fixtures.county_campaign


@pytest.fixture
def cast(browser_cast):
    return browser_cast  # the shared campaign fixtures build on the committed cast


def _wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the server never got the change")


def test_scoring_offline_on_a_phone_then_submitting_online(cast, county_campaign, page_for, live_server):
    o = build_onsite(cast, county_campaign)
    b1, b2, b3 = (o.items[c] for c in ("B1", "B2", "B3"))
    page = page_for(width=390, height=844, mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "pinggu")
    page.fill("#id_password", "Test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}{reverse('campaigns:onsite_mine')}")
    expect(page.get_by_test_id(f"onsite-{cast.A1.pk}")).to_contain_text("测试宁乡综合督导")
    # the offline helper (scope /visits/field/) is registered from this page: wait until it is active,
    # so that it keeps the form page when it opens
    assert page.evaluate("""async () => {
        for (let i = 0; i < 100; i++) {
            const r = await navigator.serviceWorker.getRegistration('/visits/field/');
            if (r && r.active) { return true; }
            await new Promise((done) => setTimeout(done, 100));
        }
        return false;
    }""")
    page.get_by_test_id(f"start-{o.campaign.pk}-{cast.A1.pk}").click()
    page.wait_for_url("**/visits/field/*-*/")
    visit = Visit.objects.get()
    assert visit.basis == VisitBasis.CAMPAIGN and visit.created_by == o.rater and visit.supervisor is None
    expect(page.get_by_test_id("basis")).to_contain_text("测试宁乡综合督导")

    # one item online: it reaches the server's draft
    page.get_by_test_id("score-B1").fill("5")
    expect(page.get_by_test_id("save-status")).to_contain_text("已同步到服务器")
    _wait_for(lambda: Visit.objects.get().answers.get(str(b1.pk), {}).get("value") == "5")

    # offline: the other items, a note, and 提交
    signal = NoSignal(page)
    signal.drop()
    expect(page.locator("[data-offline-banner]")).to_be_visible()
    page.locator(f"label[for=a-{b2.pk}-yes]").click()
    page.locator("[data-item=B3] label.form-check", has_text="中（6）").click()
    page.fill(f"textarea[name='answers.{b3.pk}.note']", "音乐课两个班未开")
    # a photo taken from B1's block, offline: queued on the phone with its item
    page.set_input_files(f"#id_item_photo_{b1.pk}", files=[{"name": "灭火器.jpg", "mimeType": "image/jpeg",
                                                            "buffer": jpeg(800, 600)}])
    expect(page.get_by_test_id("item-photos-B1").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("item-photos-B2").locator("img")).to_have_count(0)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("save-status")).to_contain_text("联网后自动提交")
    screenshot(page, "campaign-onsite-offline")
    assert Visit.objects.get().status == VisitStatus.DRAFT and not Score.objects.exists()

    # a reload without network: the page from the phone, the answers from localStorage
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.get_by_test_id("score-B1")).to_have_value("5")
    expect(page.locator(f"#a-{b2.pk}-yes")).to_be_checked()
    expect(page.locator(f"textarea[name='answers.{b3.pk}.note']")).to_have_value("音乐课两个班未开")
    expect(page.get_by_test_id("item-photos-B1").locator("img")).to_have_count(1)  # the photo keeps its item
    assert not Score.objects.exists() and not VisitPhoto.objects.exists()

    # the network returns: the submission goes through by itself, back to the list of schools
    signal.restore()
    page.wait_for_url(f"**{reverse('campaigns:onsite_mine')}", timeout=20000)
    expect(page.get_by_test_id(f"submitted-{cast.A1.pk}")).to_contain_text("提交核查评分")
    final = Visit.objects.get()
    assert final.status == VisitStatus.SUBMITTED
    scores = {s.indicator.code: (str(s.value), s.choice, s.note) for s in
              Score.objects.filter(kind=ScoreKind.ONSITE, rater=o.rater, visit=final).select_related("indicator")}
    assert scores == {"B1": ("5.00", "", ""), "B2": ("4.00", "yes", ""), "B3": ("6.00", "中", "音乐课两个班未开")}
    photo = VisitPhoto.objects.get(visit=final)
    assert [(e.indicator.code, e.file.name) for e in CampaignEvidence.objects.select_related("indicator")] == [
        ("B1", photo.image.name)]
    # a replayed submission changes nothing
    again = page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken=')).split('=')[1];
            const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                                        body: JSON.stringify({answers: {}})});
            return [r.status, (await r.json()).server_id];
        }""",
        reverse("visits:field_submit", args=[final.client_id]),
    )
    assert again == [200, final.pk]
    assert Score.objects.count() == 3 and Visit.objects.count() == 1 and CampaignEvidence.objects.count() == 1
    assert page.evaluate(f"localStorage.getItem('dudao.visit.{final.client_id}')") is None
    screenshot(page, "campaign-onsite-submitted")
    assert errors == []
