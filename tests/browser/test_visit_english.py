"""The phone visit form in English: the messages written by visit_form.js come from Django's JavaScript
catalogue (/jsi18n/), and stay English after an offline reload because the service worker keeps the
catalogue like a static file."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit
from dudao.zones.services import assignment_create
from tests.browser.support import NoSignal, log_in

pytestmark = pytest.mark.browser


def test_visit_form_messages_follow_the_language_offline_too(browser_cast, page_for, live_server):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    me = supervisor_create(by=None, office=office, name="谢彩飞", kind="full_time", level="county", phone="13700000001",
                           appointed_on=date(2020, 1, 1), user=cast.supervisor)
    assignment_create(supervisor=me, school=cast.A1, starts_on=date(2020, 1, 1))
    page = page_for(width=390, height=844, mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_supervisor")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    page.goto(f"{live_server.url}{reverse('visits:field_home')}")
    expect(page.get_by_test_id("month-progress")).to_contain_text("visits this month")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_test_id(f"start-{cast.A1.pk}").click()
    page.wait_for_url("**/visits/field/*-*/")
    assert Visit.objects.count() == 1

    page.fill("#id_narrative", "Checked the fee ledger.")
    expect(page.get_by_test_id("save-status")).to_contain_text("Synced to the server at")

    signal = NoSignal(page)
    signal.drop()
    page.fill("#id_narrative", "Checked the fee ledger. Offline note.")
    expect(page.get_by_test_id("save-status")).to_contain_text("Saved on this device at")
    expect(page.get_by_test_id("save-status")).not_to_contain_text("本机")

    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.locator("#id_narrative")).to_have_value("Checked the fee ledger. Offline note.")
    expect(page.get_by_test_id("save-status")).to_contain_text("offline now")
    expect(page.get_by_test_id("save-status")).not_to_contain_text("本机")
    signal.restore()
    expect(page.get_by_test_id("save-status")).to_contain_text("Synced to the server at", timeout=20000)
    assert errors == []
