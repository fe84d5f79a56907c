"""随访·视导 on a phone, in Chromium: the county office opens 随访·视导 from the menu, starts a follow-up
of a finding by its number, fills the one visit form and submits; the visit is listed with its
basis and counted by no quota."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.findings.services import finding_create
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitBasis, VisitStatus
from dudao.visits.tally import visit_tally_stored
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844, "mobile": True}


def test_the_office_follows_up_a_finding_on_a_phone(browser_cast, page_for, live_server):
    cast = browser_cast
    finding = finding_create(by=cast.county_staff, office=Office.objects.get(region__code="430182"), school=cast.A1,
                             source="visit", category="safety", description="消防通道堆放杂物",
                             requirement="当日清理通道", deadline=timezone.localdate() + timedelta(days=10))
    tally = visit_tally_stored()
    page = page_for(**PHONE)
    log_in(page, live_server, "t_county")
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("nav-visits-office").locator("a.dropdown-toggle").click()
    page.get_by_test_id("nav-followup").click()
    page.wait_for_url(re.compile(r"/visits/followup/$"))
    page.fill("#id_finding", str(finding.pk))
    page.get_by_test_id("followup-start").click()
    page.wait_for_url("**/visits/field/*-*/")
    expect(page.get_by_test_id("basis")).to_contain_text("随访·视导 · 跟踪问题：消防通道堆放杂物")
    expect(page.get_by_test_id("followup-finding")).to_contain_text("当日清理通道")
    page.locator("[data-field=methods] label.field-choice").first.click()
    page.fill("#id_narrative", "通道已清理，消防器材完好。")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/visits/followup/$"), timeout=20000)
    screenshot(page, "visit-followup-phone")
    visit = Visit.objects.get()
    assert (visit.basis, visit.basis_ref, visit.status) == (VisitBasis.FOLLOWUP, f"finding:{finding.pk}",
                                                           VisitStatus.SUBMITTED)
    assert visit.narrative == "通道已清理，消防器材完好。" and visit.methods
    expect(page.get_by_test_id("followups")).to_contain_text("测试宁乡一小")
    assert visit_tally_stored() == tally  # no quota moved
