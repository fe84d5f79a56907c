"""Staff pages: the list with overdue highlighted, triage from the page (forms keep input, Chinese
errors), investigated → finding, the record sheet PDF, statistics and exports, recording a call,
the office's response deadline."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dudao.complaints.models import (
    Complaint,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintPolicy,
    ComplaintState,
)
from dudao.complaints.services import complaint_close, complaint_triage
from dudao.findings.models import Finding, FindingSource
from tests.complaints.conftest import PHONE, jpeg_bytes, submit
from tests.xlsx import xlsx_rows
from tests.zones.plaques_helpers import pdf_text


def _answer(by, complaint, outcome=ComplaintOutcome.QUESTION, **extra):
    return complaint_triage(by=by, complaint=complaint, outcome=outcome, public_answer="答复", **extra)


def test_list_highlights_overdue_and_filters(cast, team, client):
    late = submit(cast.A1, received_at=timezone.now() - timedelta(days=20), text="二十天前反映的食堂问题")
    submit(cast.A2, text="昨天反映的作业太多问题", category="workload")
    client.force_login(cast.county_staff)

    page = client.get(reverse("complaints:list")).content.decode()

    assert 'data-testid="overdue-alert"' in page and "有 1 件反映已超过答复期限" in page
    row = re.search(rf'<tr data-complaint="{late.pk}" class="table-danger">.*?</tr>', page, re.S)
    assert row and 'data-testid="overdue"' in row.group(0)
    only_late = client.get(reverse("complaints:list"), {"overdue": "1"}).content.decode()
    assert "二十天前反映" in only_late and "昨天反映" not in only_late
    workload = client.get(reverse("complaints:list"), {"category": "workload"}).content.decode()
    assert "昨天反映" in workload and "二十天前反映" not in workload
    partial = client.get(reverse("complaints:list"), {"school": cast.A2.name}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "昨天反映" in partial


def test_list_paginates_thirty_a_page(cast, team, client):
    for n in range(31):
        submit(cast.A1, ip_hash=f"h{n}", text=f"第{n}号反映：校车超载情况")
    client.force_login(cast.county_staff)
    first = client.get(reverse("complaints:list")).content.decode()
    assert first.count("<tr data-complaint=") == 30 and "第 1 / 2 页" in first
    assert client.get(reverse("complaints:list"), {"page": 2}).content.decode().count("<tr data-complaint=") == 1


def test_detail_shows_the_full_phone_to_handlers_and_masks_it_for_the_school(cast, team, client):
    complaint = submit(cast.A1, photos=[jpeg_bytes()])

    client.force_login(cast.supervisor)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'href="tel:{PHONE}"' in page and "王女士" in page and complaint.tracking_code_display in page
    assert 'data-testid="triage"' in page
    photo = complaint.photos.get()
    assert client.get(reverse("complaints:photo", args=[complaint.pk, photo.pk]))["Content-Type"] == "image/jpeg"

    client.force_login(cast.school_user)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert PHONE not in page and "139****5678" in page and "王女士" not in page
    assert complaint.tracking_code not in page and 'data-testid="triage"' not in page
    assert 'data-testid="record-pdf"' not in page


def test_triage_from_the_page_keeps_the_input_on_error(cast, team, client):
    complaint = submit(cast.A1)
    client.force_login(cast.supervisor)
    url = reverse("complaints:triage", args=[complaint.pk, "referred"])

    response = client.post(url, {"referred-public_answer": "已转交市场监管部门。", "referred-reply_method": "phone",
                                 "referred-referred_to": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写转办的部门或单位" in page
    assert "已转交市场监管部门。" in page
    assert re.search(r'<details class="list-group-item" data-outcome="referred" open>', page)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED

    response = client.post(url, {"referred-public_answer": "已转交市场监管部门。", "referred-reply_method": "phone",
                                 "referred-referred_to": "宁乡市市场监督管理局"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.referred_to, complaint.reply_method) == ("referred", "宁乡市市场监督管理局", "phone")


def test_the_page_offers_each_outcome_with_a_default_answer(cast, team, client):
    complaint = submit(cast.A1)
    client.force_login(cast.county_staff)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert re.findall(r'data-outcome="(\w+)"', page) == ComplaintOutcome.values
    assert "您好，您咨询的问题答复如下：" in page
    assert 'name="investigated-requirement"' in page and 'name="investigated-deadline"' in page
    assert 'name="investigated-finding_category"' in page and '<option value="fees" selected>' in page


def test_investigating_from_the_page_creates_the_finding(cast, team, client):
    complaint = submit(cast.A1)
    client.force_login(cast.supervisor)
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()

    response = client.post(reverse("complaints:triage", args=[complaint.pk, "investigated"]), {
        "investigated-verified_on": timezone.localdate().isoformat(), "investigated-verification_method": "到校查阅收费台账",
        "investigated-verification_note": "属实，共收取 43 名学生。", "investigated-finding_category": "fees",
        "investigated-description": "违规统一收取教辅资料费", "investigated-requirement": "立即停止并退费",
        "investigated-deadline": deadline, "investigated-severity": "serious",
        "investigated-public_answer": "已责令学校退费。", "investigated-reply_method": "online",
    })

    assert response.status_code == 302
    complaint.refresh_from_db()
    finding = Finding.objects.get()
    assert complaint.finding == finding and complaint.state == ComplaintState.INVESTIGATING
    assert (finding.source, finding.severity, finding.deadline.isoformat()) == (FindingSource.COMPLAINT, "serious", deadline)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-testid="finding"' in page and "违规统一收取教辅资料费" in page
    assert 'data-testid="finding-open"' in page and f'action="/complaints/{complaint.pk}/close/"' not in page


def test_the_leader_reads_but_cannot_act(cast, team, client):
    complaint = submit(cast.A1)
    client.force_login(cast.county_leader)

    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert PHONE in page  # the office reads the contact
    assert 'data-testid="triage"' not in page

    response = client.post(reverse("complaints:triage", args=[complaint.pk, "question"]), {"question-public_answer": "x",
                                                                                           "question-reply_method": "online"})
    assert response.status_code == 403
    assert client.post(reverse("complaints:close", args=[complaint.pk]), {}).status_code == 403
    assert client.post(reverse("complaints:note", args=[complaint.pk]), {"note-note": "x"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_close_and_note_from_the_page(cast, team, client):
    complaint = _answer(cast.supervisor, submit(cast.A1))
    client.force_login(cast.supervisor)

    assert client.post(reverse("complaints:note", args=[complaint.pk]), {"note-note": ""}).status_code == 400
    assert client.post(reverse("complaints:note", args=[complaint.pk]), {"note-note": "已回电家长"}).status_code == 302
    assert client.post(reverse("complaints:close", args=[complaint.pk]), {"close-note": "办结"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "已回电家长" in page and "办结" in page
    assert client.post(reverse("complaints:close", args=[complaint.pk]), {}).status_code == 400


def test_assign_from_the_page(cast, team, client):
    complaint = submit(cast.A1)
    client.force_login(cast.county_staff)
    response = client.post(reverse("complaints:assign", args=[complaint.pk]), {"assign-supervisor": team.li.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.supervisor == team.li
    bad = client.post(reverse("complaints:assign", args=[complaint.pk]), {"assign-supervisor": team.gao.pk})
    assert bad.status_code == 400  # 浏阳's supervisor is not offered
    client.force_login(cast.supervisor)
    assert client.post(reverse("complaints:assign", args=[complaint.pk]), {"assign-supervisor": team.wang.pk}).status_code == 403


def test_the_record_sheet_pdf(cast, team, client):
    complaint = submit(cast.A1, text="学校食堂的饭菜分量不足，孩子反映吃不饱。", category="canteen")
    complaint_triage(by=cast.supervisor, complaint=complaint, outcome=ComplaintOutcome.UNFOUNDED,
                     public_answer="经核实，食堂按标准供餐。", verification_method="到校查看食堂",
                     verification_note="午餐时段到食堂查看，分量符合标准。", reply_method="phone")
    client.force_login(cast.supervisor)

    response = client.get(reverse("complaints:record_pdf", args=[complaint.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("受理、核实投诉记录表", cast.A1.name, "网上（扫码反映）", "王女士", PHONE, "食堂卫生",
                     "学校食堂的饭菜分量不足", "到校查看食堂", "分量符合标准", "经核实不属实", "电话回复",
                     "经核实，食堂按标准供餐。", "王建国", "责任督学（签名）"):
        assert expected in text.replace(" ", ""), expected
    client.force_login(cast.school_user)
    assert client.get(reverse("complaints:record_pdf", args=[complaint.pk])).status_code == 403


def test_statistics_show_that_most_contacts_are_questions(cast, team, client):
    now = timezone.now()
    for n in range(6):
        c = submit(cast.A1, ip_hash=f"q{n}", category="question", received_at=now - timedelta(days=2))
        _answer(cast.supervisor, c)
        Complaint.objects.filter(pk=c.pk).update(answered_at=c.received_at + timedelta(days=1))
    referred = _answer(cast.supervisor, submit(cast.A2, received_at=now - timedelta(days=2)), ComplaintOutcome.REFERRED,
                       referred_to="交通局")
    Complaint.objects.filter(pk=referred.pk).update(answered_at=referred.received_at + timedelta(days=4))
    late = _answer(cast.supervisor, submit(cast.A2, received_at=now - timedelta(days=30)), ComplaintOutcome.UNFOUNDED,
                   verification_note="不属实")
    Complaint.objects.filter(pk=late.pk).update(answered_at=late.received_at + timedelta(days=13))
    submit(cast.A1, received_at=now - timedelta(days=20))  # pending and overdue
    submit(cast.B1)  # outside 宁乡: not counted for the county
    client.force_login(cast.county_staff)

    response = client.get(reverse("complaints:stats"), {"start": (now - timedelta(days=60)).date().isoformat()})

    page = response.content.decode()
    assert 'data-testid="total">9<' in page
    assert 'data-testid="question-share">75.0%<' in page  # 6 of the 8 handled
    assert 'data-testid="average-days">2.9 天<' in page  # (6×1 + 4 + 13) / 8 = 2.875
    assert 'data-testid="on-time">87.5%<' in page  # the 13-day one was late
    assert "当前逾期未答复 1 件" in page
    chart = json.loads(re.search(r'<script id="outcome-chart" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert {d["name"]: d["value"] for d in chart["series"][0]["data"]} == {"咨询答复": 6, "转有关部门办理": 1,
                                                                           "经核实不属实": 1, "待处理": 1}
    by_outcome = re.search(r'data-testid="by-outcome">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]+)</td><td class=\"num\">(\d+)</td>", by_outcome)[:2] == [("咨询答复", "6"),
                                                                                          ("转有关部门办理", "1")]

    export = client.get(reverse("complaints:stats_export"), {"start": (now - timedelta(days=60)).date().isoformat()})
    rows = xlsx_rows(export)
    assert rows[0][:3] == ["学校", "学校标识码", "反映总数"]
    by_school = {r[0]: r for r in rows[1:]}
    assert set(by_school) == {cast.A1.name, cast.A2.name}
    assert by_school[cast.A1.name][2] == 7 and by_school[cast.A1.name][3] == 6


def test_list_export_masks_the_phone_for_the_school(cast, team, client):
    submit(cast.A1)
    submit(cast.A1, anonymous=True, phone="", contact_name="", ip_hash="other")
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("complaints:export")))
    assert rows[0] == ["编号", "受理时间", "来源渠道", "学校", "学校标识码", "反映类别", "反映内容", "反映人", "联系电话",
                       "责任督学", "答复期限", "状态", "处理结果", "答复时间", "答复方式", "转办单位", "是否逾期"]
    assert {r[8] for r in rows[1:]} == {PHONE, ""} and {r[7] for r in rows[1:]} == {"王女士", "匿名"}

    client.force_login(cast.school_user)
    rows = xlsx_rows(client.get(reverse("complaints:export")))
    assert {r[8] for r in rows[1:]} == {"139****5678", ""} and "王女士" not in {r[7] for r in rows[1:]}


def test_recording_a_phone_call(cast, team, client):
    client.force_login(cast.supervisor)
    page = client.get(reverse("complaints:register")).content.decode()
    assert cast.A1.name in page and cast.A3.name not in page  # the supervisor's own schools only

    bad = client.post(reverse("complaints:register"), {"school": cast.A2.pk, "channel": "phone", "category": "safety",
                                                       "text": "短", "received_at": "2026-01-05T09:30"})
    assert bad.status_code == 400 and "至少 5 个字" in bad.content.decode()

    response = client.post(reverse("complaints:register"), {
        "school": cast.A2.pk, "channel": "phone", "category": "safety", "received_at": "2026-01-05T09:30",
        "text": "家长来电：校门口减速带损坏。", "contact_name": "刘先生", "phone": "13611112222"})

    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert (complaint.channel, complaint.created_by, complaint.supervisor) == (ComplaintChannel.PHONE, cast.supervisor, team.wang)
    assert timezone.localtime(complaint.received_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 09:30"


def test_recording_is_refused_to_schools_and_leaders(cast, team, client):
    for persona in ("school_user", "county_leader", "evaluator", "nobody"):
        client.force_login(getattr(cast, persona))
        assert client.get(reverse("complaints:register")).status_code == 403, persona


def test_the_office_sets_its_response_deadline(cast, team, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("complaints:policy")).content.decode()
    assert 'data-testid="current-policy">5 个工作日<' in page and "默认值" in page

    bad = client.post(reverse("complaints:policy"), {"office": team.ningxiang.pk, "response_days": "0", "working_days": "on"})
    assert bad.status_code == 400 and "value=\"0\"" in bad.content.decode()

    response = client.post(reverse("complaints:policy"), {"office": team.ningxiang.pk, "response_days": "7",
                                                          "source": "宁乡市教育督导室 2026 年规定"})
    assert response.status_code == 302
    policy = ComplaintPolicy.objects.get(office=team.ningxiang)
    assert (policy.response_days, policy.working_days, policy.source) == (7, False, "宁乡市教育督导室 2026 年规定")
    assert submit(cast.A1).response_due == timezone.localdate() + timedelta(days=7)

    client.force_login(cast.county_leader)
    page = client.get(reverse("complaints:policy")).content.decode()
    assert "7 天" in page and 'name="response_days"' not in page
    assert client.post(reverse("complaints:policy"), {"office": team.ningxiang.pk, "response_days": "3"}).status_code == 403


def test_closed_complaints_offer_no_actions(cast, team, client):
    complaint = complaint_close(by=cast.supervisor, complaint=_answer(cast.supervisor, submit(cast.A1)))
    client.force_login(cast.county_staff)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-testid="triage"' not in page and "改派责任督学" not in page and 'action="/complaints/' in page  # note only


def test_list_export_and_api_stay_within_a_query_budget(cast, team, client, django_assert_max_num_queries):
    for n in range(30):
        submit([cast.A1, cast.A2, cast.A3][n % 3], ip_hash=f"b{n}")
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("complaints:list")).status_code == 200
    with django_assert_max_num_queries(15):
        xlsx_rows(client.get(reverse("complaints:export")))
    with django_assert_max_num_queries(15):
        assert len(client.get(reverse("api-1:list_complaints")).json()["items"]) == 30
    with django_assert_max_num_queries(15):
        assert client.get(reverse("complaints:stats")).status_code == 200
