"""The government's self-assessment report (自评报告): sections, a self-score per indicator, evidence
(checked, hashed, served through access checks), submission by the unit's own account, the late list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.governance import services
from dudao.governance.models import UnitEvidence
from tests.governance.conftest import SELF_DEADLINE, move, png_upload


def _form(gov, **extra) -> dict:
    i = gov.items
    return {"report_overview": "甲镇概况", "report_work": "主要做法", "report_shortfalls": "", "report_result": "自评 18 分",
            f"value_{i['B1'].pk}": "5", f"choice_{i['B2'].pk}": "yes", f"choice_{i['B3'].pk}": "好", **extra}


def test_fill_keep_typed_then_submit(cast, gov, client):
    move(gov, "self_inspection")
    client.force_login(gov.gov_a)
    url = reverse("governance:self_form", args=[gov.campaign.pk, gov.entry_a.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, _form(gov, **{f"value_{gov.items['B1'].pk}": "9"}, action="save"))
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "得分应在 0 到 6 之间" in page and 'value="9"' in page  # what was typed is kept
    assert client.post(url, _form(gov, action="submit")).status_code == 302
    gov.entry_a.refresh_from_db()
    assert gov.entry_a.self_state == "submitted" and gov.entry_a.submitted_by == gov.gov_a
    assert gov.entry_a.self_total == Decimal("19.00")  # 5 + 4 + 10
    # submitted: closed for changes
    with pytest.raises(ValidationError, match="已提交"):
        services.self_save(by=gov.gov_a, entry=gov.entry_a, answers={}, sections={})


def test_submit_needs_every_indicator_and_the_report(gov):
    move(gov, "self_inspection")
    services.self_save(by=gov.gov_a, entry=gov.entry_a, sections={},
                       answers={gov.items["B1"].pk: services.AnswerIn(value="5")})
    with pytest.raises(ValidationError) as exc:
        services.self_submit(by=gov.gov_a, entry=gov.entry_a)
    assert exc.value.messages == ["以下指标尚未自评：B2、B3", "请填写自评报告。"]


def test_only_the_units_own_account_fills_it(cast, gov):
    move(gov, "self_inspection")
    for user in (gov.gov_b, cast.county_staff, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.self_save(by=user, entry=gov.entry_a, answers={}, sections={"report_work": "x"})


def test_not_outside_the_self_assessment_phase(gov):
    move(gov, "onsite")
    with pytest.raises(ValidationError, match="不在自评阶段"):
        services.self_save(by=gov.gov_a, entry=gov.entry_a, answers={}, sections={})


def test_evidence_is_checked_hashed_and_served_only_in_scope(cast, gov, client):
    move(gov, "self_inspection")
    evidence = services.evidence_add(by=gov.gov_a, entry=gov.entry_a, upload=png_upload())
    again = services.evidence_add(by=gov.gov_a, entry=gov.entry_a, upload=png_upload("again.png"))
    assert again.pk == evidence.pk and len(evidence.sha256) == 64  # the same file is kept once
    with pytest.raises(ValidationError, match="只支持"):
        services.evidence_add(by=gov.gov_a, entry=gov.entry_a,
                              upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="application/pdf"))
    assert UnitEvidence.objects.count() == 1
    url = reverse("governance:evidence_file", args=[gov.campaign.pk, gov.entry_a.pk, evidence.pk])
    for user, status in ((gov.gov_a, 200), (cast.county_staff, 200), (gov.gov_b, 404), (cast.school_user, 404),
                         (cast.outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_late_list(cast, gov, client, monkeypatch):
    move(gov, "self_inspection")
    services.self_save(by=gov.gov_a, entry=gov.entry_a, sections={"report_work": "做法"}, answers={
        gov.items["B1"].pk: services.AnswerIn(value="5"), gov.items["B2"].pk: services.AnswerIn(choice="yes"),
        gov.items["B3"].pk: services.AnswerIn(choice="中")})
    services.self_submit(by=gov.gov_a, entry=gov.entry_a)  # on time (today is before the test deadline? set below)
    on_time = timezone.make_aware(dt.datetime(2026, 9, 14, 10, 0))
    type(gov.entry_a).objects.filter(pk=gov.entry_a.pk).update(submitted_at=on_time)
    # before the deadline nobody is late
    assert services.late_list(gov.campaign, today=SELF_DEADLINE) == []
    rows = services.late_list(gov.campaign, today=SELF_DEADLINE + dt.timedelta(days=3))
    assert [(r.entry.unit_id, r.days_late) for r in rows] == [(gov.unit_b.pk, 3)]
    # a late submission stays on the list with the days it was late
    type(gov.entry_b).objects.filter(pk=gov.entry_b.pk).update(
        self_state="submitted", submitted_at=timezone.make_aware(dt.datetime(2026, 9, 17, 9, 0)))
    rows = services.late_list(gov.campaign, today=SELF_DEADLINE + dt.timedelta(days=5))
    assert [(r.entry.unit_id, r.days_late) for r in rows] == [(gov.unit_b.pk, 2)]
    # the page shows the same rows to the office (the real date is long after the deadline)
    client.force_login(cast.county_staff)
    page = client.get(reverse("governance:late", args=[gov.campaign.pk])).content.decode()
    assert gov.unit_b.name in page and gov.unit_a.name not in page
