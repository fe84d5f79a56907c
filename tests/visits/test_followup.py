"""随访·视导 (visits/followup.py) end to end: the office follows up a finding on the one visit form —
started from 随访·视导, checked, submitted, read back with its basis in the ledger and on the
detail — and it counts toward no quota; a supervisor follows up schools they read but are not 挂牌
at; who may not is told why."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.access import clear_scope_cache
from dudao.findings.services import finding_create
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitBasis, VisitStatus
from dudao.visits.tally import visit_tally_stored
from dudao.zones.services import zone_add_schools, zone_create
from tests.html_page import Html
from tests.visits.field_support import method_codes


@pytest.fixture
def finding(cast):
    office = Office.objects.get(region__code="430182")
    return finding_create(by=cast.county_staff, office=office, school=cast.A1, source="visit", category="safety",
                          description="消防通道堆放杂物", requirement="当日清理通道",
                          deadline=timezone.localdate() + timedelta(days=10))


def _start(client, **fields):
    body = {"client_id": str(uuid.uuid4()), "location_status": "ok", "latitude": "28.25", "longitude": "112.55",
            "accuracy": "20", "device_started_at": timezone.now().isoformat(), **fields}
    return client.post(reverse("visits:followup_start"), body)


def _submit(client, visit, **fields):
    body = {"mode": "announced", "methods": [], "narrative": "", "opinions": "", **fields}
    return client.post(reverse("visits:field_submit", args=[visit.client_id]), json.dumps(body),
                       content_type="application/json")


def test_the_office_follows_up_a_finding_end_to_end(cast, client, finding):
    client.force_login(cast.county_staff)
    home = client.get(reverse("visits:followup_home") + f"?finding={finding.pk}")
    assert home.status_code == 200
    assert Html(home).text_of(testid="followup-finding") == "测试宁乡一小：消防通道堆放杂物"
    tally = visit_tally_stored()
    started = _start(client, finding=str(finding.pk))
    visit = Visit.objects.get()
    assert started["Location"] == reverse("visits:field_form", args=[visit.client_id])
    assert (visit.basis, visit.basis_ref, visit.school, visit.supervisor, visit.status) == (
        VisitBasis.FOLLOWUP, f"finding:{finding.pk}", cast.A1, None, VisitStatus.DRAFT)
    form = Html(client.get(started["Location"]))
    assert form.text_of(testid="basis") == "随访·视导 · 跟踪问题：消防通道堆放杂物"
    assert "当日清理通道" in form.text_of(testid="followup-finding")
    # the submission needs the visit's methods and narrative (the basis's `needs`)
    refused = _submit(client, visit)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"methods": ["请至少选择一种督导方法。"], "narrative": ["请填写督导情况。"]}
    done = _submit(client, visit, methods=method_codes()[:1], narrative="通道已清理，消防器材完好。")
    assert done.status_code == 200, done.content
    assert done.json()["url"] == reverse("visits:followup_home")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    # counts toward no quota: the tally (what every compliance figure reads) did not move
    assert visit_tally_stored() == tally
    # read back: the detail with its basis and the finding, the ledger with the basis, my list
    detail = Html(client.get(reverse("visits:detail", args=[visit.pk])))
    assert detail.text_of(testid="basis") == "随访·视导"
    assert "消防通道堆放杂物" in detail.text_of(testid="followup-finding")
    ledger = client.get(reverse("visits:log")).content.decode()
    assert "随访·视导" in ledger and "宁乡督导室" in ledger
    mine = Html(client.get(reverse("visits:followup_home")))
    assert "测试宁乡一小" in mine.text_of(testid="followups")
    # the school reads the visit (feedback) but not the office's follow-up section
    client.force_login(cast.school_user)
    page = Html(client.get(reverse("visits:detail", args=[visit.pk])))
    assert page.find_all(testid="followup-finding") == []


def test_a_school_without_a_finding_and_what_is_refused(cast, client, finding):
    client.force_login(cast.county_staff)
    assert _start(client, school_code=cast.A3.code).status_code == 302
    assert Visit.objects.get().basis_ref == ""
    # another school's finding, an unknown code, nothing: the page says why and keeps what was typed
    wrong = _start(client, school_code=cast.A2.code, finding=str(finding.pk))
    assert wrong.status_code == 400 and Html(wrong).text_of(testid="followup-error") == "所随访的问题不属于该校。"
    assert f'value="{cast.A2.code}"' in wrong.content.decode()
    unknown = _start(client, school_code="9999999999")
    assert "没有找到学校标识码为 9999999999 的学校" in Html(unknown).text_of(testid="followup-error")
    assert "请填写学校标识码" in Html(_start(client)).text_of(testid="followup-error")
    # outside the office's region (浏阳): not found, as if it did not exist
    outside = _start(client, school_code=cast.C1.code)
    assert outside.status_code == 400 and Visit.objects.count() == 1


def test_a_supervisor_follows_up_a_zone_school_but_not_their_own(cast, client, field):
    """谢彩飞 is 挂牌 at A1 and A2; a zone of 宁乡 with A1–A3 lets them read A3."""
    zone = zone_create(office=field.me.office, name="城区责任区", head=field.me, members=[field.me])
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2, cast.A3])
    clear_scope_cache(cast.supervisor)
    client.force_login(cast.supervisor)
    own = _start(client, school_code=cast.A1.code)
    assert own.status_code == 403
    assert Html(own).text_of(testid="followup-error") == \
        "您是测试宁乡一小的挂牌责任督学：请在“我的督导”填写经常性督导记录（计入配额）。"
    assert _start(client, school_code=cast.A3.code).status_code == 302
    visit = Visit.objects.get()
    assert (visit.basis, visit.school, visit.supervisor) == (VisitBasis.FOLLOWUP, cast.A3, None)
    assert visit.created_by == cast.supervisor


@pytest.mark.parametrize("persona", ["county_leader", "school_user", "evaluator", "nobody"])
def test_who_may_not_start(cast, client, persona):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("visits:followup_home")).status_code == 403
    assert _start(client, school_code=cast.A1.code).status_code == 403
    assert not Visit.objects.exists()
