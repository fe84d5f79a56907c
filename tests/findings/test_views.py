"""The ledger pages as a user reads them: red and amber rows, the buttons each role gets, the step
forms (errors in Chinese, input kept), recording a finding, the settings page, a school's ledger
on its page and the home page's "N problems to rectify"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import EscalationStep, Finding, FindingEvidence, FindingPolicy
from dudao.findings.services import finding_transition
from tests.findings.conftest import photo


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr class="([^"]*)" data-testid="finding-row"', page)


@pytest.fixture
def today():
    return timezone.localdate()


def test_overdue_rows_red_due_soon_amber(ledger, cast, client, today):
    ledger.make(description="逾期的问题", found_on=today - timedelta(days=20), deadline=today - timedelta(days=4))
    ledger.make(description="快到期的问题", deadline=today + timedelta(days=2))
    ledger.make(description="还早的问题", deadline=today + timedelta(days=25))
    client.force_login(cast.school_user)
    page = client.get(reverse("findings:ledger")).content.decode()
    assert rows_of(page) == ["table-danger", "table-warning", ""]
    assert "逾期 4 天" in page and "2 天后到期" in page
    assert 'data-testid="count-overdue">1<' in page and 'data-testid="count-due-soon">1<' in page


def test_htmx_filter_returns_the_results_only(ledger, cast, client):
    ledger.make(description="食堂问题", category="hygiene")
    ledger.make(description="安全问题")
    client.force_login(cast.county_staff)
    response = client.get(reverse("findings:ledger"), {"category": "hygiene"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and "食堂问题" in page and "安全问题" not in page
    assert 'href="/findings/export/?category=hygiene"' in page


def test_pagination_thirty_a_page(ledger, cast, client):
    from dudao.findings.services import findings_bulk_create

    items = [{"office": ledger.ningxiang, "school": cast.A1, "category": "safety", "description": f"第{i:02d}号问题"}
             for i in range(31)]
    findings_bulk_create(by=None, items=items, requirement="整改", deadline=timezone.localdate() + timedelta(days=9),
                         source="monitoring")
    client.force_login(cast.county_staff)
    first = client.get(reverse("findings:ledger")).content.decode()
    second = client.get(reverse("findings:ledger"), {"page": 2}).content.decode()
    assert len(rows_of(first)) == 30 and len(rows_of(second)) == 1
    assert "共 31 条" in first and "第 1 / 2 页" in first


def test_ledger_page_query_budget(ledger, cast, client, django_assert_max_num_queries):
    from dudao.findings.services import findings_bulk_create

    items = [{"office": ledger.ningxiang, "school": school, "category": "safety", "description": f"问题{i}"}
             for i, school in enumerate([cast.A1, cast.A2, cast.A3] * 12)]
    findings_bulk_create(by=None, items=items, requirement="整改", deadline=timezone.localdate() + timedelta(days=9),
                         source="monitoring")
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(20):  # not one query per row
        page = client.get(reverse("findings:ledger")).content.decode()
    assert len(rows_of(page)) == 30


def test_empty_ledger_explains(db, cast, client):
    client.force_login(cast.school_user)
    page = client.get(reverse("findings:ledger")).content.decode()
    assert "台账中还没有问题" in page
    page = client.get(reverse("findings:ledger"), {"state": "closed"}).content.decode()
    assert "没有符合条件的问题" in page


# --- a finding's page and its steps ---------------------------------------------------------------


def buttons(page: str) -> list[str]:
    return re.findall(r'data-bs-toggle="collapse" role="button"[^>]*>([^<]+)</a>', page)


def test_each_role_gets_its_buttons(ledger, cast, client):
    finding = ledger.make()
    detail = reverse("findings:detail", args=[finding.pk])
    client.force_login(cast.county_staff)
    assert buttons(client.get(detail).content.decode()) == ["下发整改通知", "延期", "撤销"]
    client.force_login(cast.supervisor)
    assert buttons(client.get(detail).content.decode()) == ["下发整改通知"]
    client.force_login(cast.school_user)
    assert buttons(client.get(detail).content.decode()) == []
    finding_transition(by=cast.supervisor, finding=finding, action="notify")
    assert buttons(client.get(detail).content.decode()) == ["开始整改", "报送整改情况", "申辩"]
    client.force_login(cast.county_leader)
    page = client.get(detail).content.decode()
    assert buttons(page) == [] and 'data-testid="finding-actions"' not in page


def test_report_without_evidence_is_refused_in_chinese_keeping_the_text(ledger, cast, client):
    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    client.force_login(cast.school_user)
    response = client.post(reverse("findings:act", args=[finding.pk, "report"]), {"note": "已经清理通道"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请上传整改佐证材料（照片或文件）。" in page and "已经清理通道</textarea>" in page
    assert 'class="collapse show" id="action-report"' in page
    response = client.post(reverse("findings:act", args=[finding.pk, "report"]), {"note": "", "files": [photo()]})
    assert "请填写整改情况。" in response.content.decode()
    finding.refresh_from_db()
    assert finding.state == "notified" and not finding.evidence.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(ledger, cast, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    client.force_login(cast.school_user)
    fake = SimpleUploadedFile("整改照片.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = client.post(reverse("findings:act", args=[finding.pk, "report"]), {"note": "已整改", "files": [fake]})
    page = response.content.decode()
    assert response.status_code == 400 and "只支持 JPG、PNG、WebP 图片和 PDF、Word（docx）、Excel（xlsx）文件" in page
    finding.refresh_from_db()
    assert finding.state == "notified" and not finding.evidence.exists() and not finding.events.filter(action="report").exists()


def test_report_with_photos_then_supervisor_closes(ledger, cast, client):
    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    client.force_login(cast.school_user)
    response = client.post(reverse("findings:act", args=[finding.pk, "report"]),
                           {"note": "已清理并建立巡查制度", "files": [photo("前.png", "#111"), photo("后.png", "#eee")]})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "reported"
    report = finding.events.get(action="report")
    assert sorted(report.evidence.values_list("original_name", flat=True)) == ["前.png", "后.png"]
    client.force_login(cast.supervisor)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert buttons(page) == ["核查销号", "退回"]
    assert "已清理并建立巡查制度" in page and page.count('href="/findings/evidence/') >= 4  # list + timeline
    response = client.post(reverse("findings:act", args=[finding.pk, "verify"]), {"note": "现场核查已整改"}, follow=True)
    assert "已完成：核查销号。" in response.content.decode()
    finding.refresh_from_db()
    assert finding.state == "closed" and finding.closed_at is not None


def test_return_needs_a_reason(ledger, cast, client):
    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    finding_transition(by=cast.school_user, finding=finding, action="report", note="已整改", files=[photo()])
    client.force_login(cast.supervisor)
    response = client.post(reverse("findings:act", args=[finding.pk, "return"]), {"note": "  "})
    assert response.status_code == 400 and "请填写退回原因。" in response.content.decode()
    response = client.post(reverse("findings:act", args=[finding.pk, "return"]), {"note": "照片不能反映整改效果"})
    finding.refresh_from_db()
    assert response.status_code == 302 and finding.state == "returned"


def test_extend_checks_the_new_deadline(ledger, cast, client, today):
    finding = ledger.make(deadline=today + timedelta(days=10))
    client.force_login(cast.county_staff)
    url = reverse("findings:act", args=[finding.pk, "extend"])
    response = client.post(url, {"note": "涉及基建", "deadline": (today + timedelta(days=5)).isoformat()})
    page = response.content.decode()
    assert response.status_code == 400 and "新的整改期限必须晚于原期限" in page and "涉及基建</textarea>" in page
    response = client.post(url, {"note": "涉及基建", "deadline": (today + timedelta(days=60)).isoformat()})
    finding.refresh_from_db()
    assert response.status_code == 302 and finding.deadline == today + timedelta(days=60)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert "整改期限由" in page and (today + timedelta(days=60)).isoformat() in page


def test_a_step_that_no_longer_applies_is_explained(ledger, cast, client):
    finding = ledger.make()
    client.force_login(cast.county_staff)
    client.post(reverse("findings:act", args=[finding.pk, "notify"]))
    response = client.post(reverse("findings:act", args=[finding.pk, "notify"]), follow=True)
    assert "该问题当前状态为“已下发整改通知”，不能下发整改通知。" in response.content.decode()
    assert finding.events.filter(action="notify").count() == 1
    assert client.post(reverse("findings:act", args=[finding.pk, "fly"])).status_code == 404


def test_detail_shows_fields_source_timeline_and_escalations(ledger, cast, client, today):
    from dudao.findings.escalation import findings_daily, findings_install_defaults

    findings_install_defaults()
    finding = ledger.make(found_on=today - timedelta(days=40), deadline=today - timedelta(days=20),
                          source_label="2025年秋季开学专项督导", source_url="/visits/1/", responsible_person="张校长")
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    findings_daily(today)
    client.force_login(cast.county_staff)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert 'data-testid="overdue-alert"' in page and "张校长" in page
    assert '<a href="/visits/1/">2025年秋季开学专项督导</a>' in page
    assert "登记问题" in page and "下发整改通知" in page and "逾期升级" in page
    assert 'data-testid="escalations"' in page and "报告市级督导室" in page
    client.force_login(cast.school_user)  # the school reads its history, not the office's escalation records
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert 'data-testid="escalations"' not in page


def test_source_links_only_inside_the_platform(ledger, cast, client):
    finding = ledger.make(source_label="外部链接", source_url="https://example.com/x")
    client.force_login(cast.county_staff)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert "example.com" not in page and "外部链接" in page


def test_evidence_download_headers(ledger, cast, client):
    from dudao.findings.services import evidence_add

    finding = ledger.make()
    item = evidence_add(by=cast.county_staff, finding=finding, upload=photo("整改照片.png"))
    client.force_login(cast.school_user)
    response = client.get(reverse("findings:evidence", args=[item.pk]))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    assert FindingEvidence.objects.count() == 1


# --- recording a finding ------------------------------------------------------------------------


def test_create_prefills_from_the_school_and_records(ledger, cast, client, today):
    client.force_login(cast.county_staff)
    page = client.get(reverse("findings:create"), {"school": cast.A2.pk}).content.decode()
    assert f'value="{cast.A2.code}"' in page and (today + timedelta(days=30)).isoformat() in page
    response = client.post(reverse("findings:create"), {
        "office": ledger.ningxiang.pk, "school": cast.A2.name, "source": "campaign", "source_label": "秋季开学专项督导",
        "category": "safety", "severity": "serious", "description": "校门口无减速带", "requirement": "设置减速带",
        "deadline": (today + timedelta(days=15)).isoformat(), "responsible_person": "李校长"})
    finding = Finding.objects.get(description="校门口无减速带")
    assert response.status_code == 302 and response["Location"] == reverse("findings:detail", args=[finding.pk])
    assert (finding.school, finding.source, finding.severity, finding.supervisor) == (cast.A2, "campaign", "serious", ledger.wang)
    assert finding.created_by == cast.county_staff


def test_create_errors_keep_the_input(ledger, cast, client, today):
    client.force_login(cast.county_staff)
    response = client.post(reverse("findings:create"), {
        "office": ledger.ningxiang.pk, "school": "测试望城一小", "source": "other", "category": "safety",
        "severity": "normal", "description": "越界问题描述", "requirement": "整改要求文字", "deadline": today.isoformat()})
    page = response.content.decode()
    assert response.status_code == 400 and "在您的权限范围内没有找到学校“测试望城一小”" in page
    assert "越界问题描述</textarea>" in page and "整改要求文字</textarea>" in page
    response = client.post(reverse("findings:create"), {
        "office": ledger.ningxiang.pk, "school": "", "unit_name": "", "source": "other", "category": "safety",
        "severity": "normal", "description": "x", "requirement": "y", "deadline": (today - timedelta(days=1)).isoformat()})
    page = response.content.decode()
    assert "请填写学校，或填写被督导的政府或部门名称。" in page and "整改期限不能早于今天。" in page
    assert not Finding.objects.exists()


def test_create_for_a_government_unit(ledger, cast, client, today):
    client.force_login(cast.city_staff)
    response = client.post(reverse("findings:create"), {
        "office": ledger.changsha.pk, "school": "", "unit_name": "宁乡市教育局", "region": "430182", "source": "evaluation",
        "category": "management", "severity": "normal", "description": "义务教育学校教师培训经费不足",
        "requirement": "按规定足额安排", "deadline": (today + timedelta(days=90)).isoformat()})
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.school is None and finding.region.code == "430182"
    client.force_login(cast.school_user)
    assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 404
    client.force_login(cast.county_staff)
    response = client.post(reverse("findings:create"), {
        "office": ledger.ningxiang.pk, "school": "", "unit_name": "宁乡市教育局", "region": "430112", "source": "other",
        "category": "management", "severity": "normal", "description": "d", "requirement": "r",
        "deadline": (today + timedelta(days=9)).isoformat()})
    assert response.status_code == 400  # 望城 is not one of 宁乡's choices
    assert Finding.objects.count() == 1


# --- settings -----------------------------------------------------------------------------------


def test_settings_show_the_default_then_the_office_own(ledger, cast, client):
    from dudao.findings.escalation import findings_install_defaults

    findings_install_defaults()
    client.force_login(cast.county_leader)
    page = client.get(reverse("findings:settings")).content.decode()
    assert "使用系统默认值" in page and "使用系统默认的升级步骤" in page and "报告市级督导室" in page
    assert 'data-testid="policy-form"' not in page  # leaders read only
    client.force_login(cast.city_staff)  # the city sets its own ladder: 宁乡 inherits it
    response = client.post(reverse("findings:settings_save", args=[ledger.changsha.pk]), {
        "part": "ladder", "steps-TOTAL_FORMS": "3", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "10",
        "steps-0-days_overdue": "3", "steps-0-action": "notify_county_head", "steps-0-source": "长沙市通知",
        "steps-1-days_overdue": "20", "steps-1-action": "summons", "steps-1-source": "",
        "steps-2-days_overdue": "", "steps-2-action": "", "steps-2-source": ""})
    assert response.status_code == 302
    assert list(EscalationStep.objects.filter(office=ledger.changsha).values_list("order", "days_overdue", "action")) == [
        (1, 3, "notify_county_head"), (2, 20, "summons")]
    client.force_login(cast.county_staff)
    page = client.get(reverse("findings:settings"), {"office": ledger.ningxiang.pk}).content.decode()
    assert "沿用长沙市人民政府教育督导室的升级步骤。" in page and "使用系统默认值" in page
    response = client.post(reverse("findings:settings_save", args=[ledger.ningxiang.pk]), {
        "part": "policy", "remind_days_before": "1，3, 7", "dispute_answer_days": "15", "default_deadline_days": "20",
        "source": "宁乡市督导室通知"})
    assert response.status_code == 302
    policy = FindingPolicy.objects.get(office=ledger.ningxiang)
    assert (policy.remind_days_before, policy.dispute_answer_days, policy.default_deadline_days) == ("7,3,1", 15, 20)
    page = client.get(reverse("findings:settings"), {"office": ledger.ningxiang.pk}).content.decode()
    assert "本督导室的设置。" in page
    # The new default deadline shows on the create form.
    page = client.get(reverse("findings:create")).content.decode()
    assert (timezone.localdate() + timedelta(days=20)).isoformat() in page


def test_settings_errors(ledger, cast, client):
    client.force_login(cast.county_staff)
    url = reverse("findings:settings_save", args=[ledger.ningxiang.pk])
    response = client.post(url, {"part": "policy", "remind_days_before": "七天", "dispute_answer_days": "0",
                                 "default_deadline_days": "30"})
    page = response.content.decode()
    assert response.status_code == 400 and "请填写用逗号分隔的天数" in page and "七天" in page
    response = client.post(url, {"part": "ladder", "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0",
                                 "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "10",
                                 "steps-0-days_overdue": "30", "steps-0-action": "summons",
                                 "steps-1-days_overdue": "5", "steps-1-action": "notify_county_head"})
    assert response.status_code == 400 and "升级步骤应按逾期天数从少到多排列。" in response.content.decode()
    assert not EscalationStep.objects.filter(office=ledger.ningxiang).exists()


def test_a_ladder_step_already_used_is_kept_switched_off(ledger, cast, today):
    from dudao.findings.escalation import findings_daily
    from dudao.findings.office_settings import escalation_ladder_save

    first = escalation_ladder_save(by=cast.county_staff, office=ledger.ningxiang, steps=[
        {"days_overdue": 1, "action": "notify_county_head", "source": "", "is_active": True},
        {"days_overdue": 10, "action": "summons", "source": "", "is_active": True}])
    finding = ledger.make(found_on=today - timedelta(days=10), deadline=today - timedelta(days=3))
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    findings_daily(today)
    assert finding.escalations.get().step == first[0]
    saved = escalation_ladder_save(by=cast.county_staff, office=ledger.ningxiang, steps=[
        {"days_overdue": 10, "action": "summons", "source": "新依据", "is_active": True}])
    assert saved[0].pk == first[1].pk and saved[0].order == 1 and saved[0].source == "新依据"
    used = EscalationStep.objects.get(pk=first[0].pk)
    assert (used.is_active, used.order) == (False, 2)  # kept for the record, never done again
    findings_daily(today)
    assert finding.escalations.count() == 1


# --- a school's page and the home page ------------------------------------------------------------


def test_school_page_shows_its_ledger(ledger, cast, client, today):
    ledger.make(description="一小逾期问题", found_on=today - timedelta(days=9), deadline=today - timedelta(days=1))
    ledger.make(description="一小近期问题", deadline=today + timedelta(days=4))
    ledger.make(cast.A2, description="二中的问题")
    client.force_login(cast.school_user)
    page = client.get(reverse("schools:detail", args=[cast.A1.pk])).content.decode()
    assert 'data-testid="school-unfinished">2<' in page and 'data-testid="school-due-soon">1<' in page
    assert 'data-testid="school-overdue">1<' in page
    assert "一小逾期问题" in page and "一小近期问题" in page and "二中的问题" not in page
    assert "list-group-item-danger" in page and "list-group-item-warning" in page
    assert "登记问题" not in page  # a school does not record findings against itself
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:detail", args=[cast.A3.pk])).content.decode()
    assert "该校还没有整改问题。" in page and f"/findings/new/?school={cast.A3.pk}" in page


def test_home_page_tells_school_and_supervisor_what_to_do(ledger, cast, client, today):
    ledger.make(description="a", deadline=today + timedelta(days=2))
    ledger.make(description="b", deadline=today + timedelta(days=30))
    ledger.make(description="c", found_on=today - timedelta(days=9), deadline=today - timedelta(days=1))
    client.force_login(cast.school_user)
    page = client.get(reverse("core:home")).content.decode()
    text = re.search(r'data-testid="todo-text">(.*?)</strong>', page, re.S).group(1)
    assert text == "3 个问题待整改，1 个将在 5 天内到期，1 个已逾期"
    client.force_login(cast.supervisor)  # lands on 我的督导, which carries the same line
    assert "3 个问题待整改" in client.get(reverse("core:home"), follow=True).content.decode()
    for persona in ("county_staff", "nobody", "evaluator"):
        client.force_login(getattr(cast, persona))
        assert 'data-testid="findings-todo"' not in client.get(reverse("core:home")).content.decode(), persona


@pytest.mark.parametrize(("persona", "dropdown"), [("county_staff", True), ("school_user", False), ("nobody", None)])
def test_navigation(db, cast, client, persona, dropdown):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("core:home")).content.decode()
    if dropdown is None:
        assert 'data-testid="nav-findings"' not in page
    else:
        assert 'data-testid="nav-findings"' in page
        assert ("整改统计" in page) == dropdown
