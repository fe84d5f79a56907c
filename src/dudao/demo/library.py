"""The demo's policy library and notices (issue [11] item 7): the national built-ins (installed by the
library migration; again here, for a flushed database), 宁乡's supervisor handbook and the city's
implementation plan, and a 宁乡 notice to its subtree published by nx_office, already read by some —
`nx_school` and `nx_supervisor` find it unread on their 通知公告 page, nx_office sees the receipts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dudao.library import services
from dudao.library.builtin import policies_install_builtin
from dudao.library.models import Announcement, AnnouncementReceipt, Policy
from dudao.people.models import User
from dudao.regions.models import Office

HANDBOOK_TEXT = """第一章 总则
一、为规范责任督学挂牌督导工作，依据《教育督导条例》《中小学校责任督学挂牌督导办法》和《督学管理暂行办法》，结合我市实际，制定本手册。
二、责任督学每月到每所挂牌学校督导不少于一次，每次督导后当日在平台填写《责任督学工作记录表》。
第二章 经常性督导
三、督导事项包括：学校管理、招生收费、课程开设、教育教学、教师队伍、学生学业负担、校园安全、食堂管理等。
四、督导方式包括：听课、查阅资料、座谈访谈、问卷调查、实地查看。
第三章 问题整改
五、发现问题当场向学校反馈；需要整改的，下发整改通知书，明确整改要求和期限。
六、学校逾期未整改的，责任督学报告督导室，由督导室约谈学校负责人；情节严重的，依照《教育督导问责办法》处理。
第四章 工作纪律
七、责任督学应当依法督导、客观公正、廉洁自律，不得干预学校正常教育教学秩序。"""


def build_demo_library() -> None:
    policies_install_builtin()
    nx = Office.objects.get(region__code="430182")
    city = Office.objects.get(region__code="4301")
    nx_office = User.objects.get(username="nx_office")
    cs_office = User.objects.get(username="cs_office")
    if not Policy.objects.filter(office=nx, title="宁乡市责任督学工作手册").exists():
        services.policy_create(by=nx_office, office=nx, data={
            "title": "宁乡市责任督学工作手册", "number": "", "issuer": "宁乡市人民政府教育督导室", "category": "handbook",
            "issued_on": dt.date(2025, 2, 20), "summary": "责任督学挂牌督导的事项、方式、问题整改与工作纪律。",
            "full_text": HANDBOOK_TEXT, "source": "演示数据"})
    if not Policy.objects.filter(office=city, title="长沙市中小学校责任督学挂牌督导实施细则").exists():
        services.policy_create(by=cs_office, office=city, data={
            "title": "长沙市中小学校责任督学挂牌督导实施细则", "number": "长教督〔2024〕5号",
            "issuer": "长沙市人民政府教育督导室", "category": "local", "issued_on": dt.date(2024, 3, 12),
            "summary": "明确市、区县两级督导室职责，责任督学配备比例1:5，每月进校督导不少于1次，督导结果纳入学校年度考核。",
            "source": "演示数据"})
    if Announcement.objects.filter(office=nx).exists():
        return
    notice = services.notice_save(
        by=nx_office, office=nx, title="关于做好秋季学期经常性督导记录核对工作的通知",
        body="各乡镇（街道）中心学校、各中小学校、幼儿园，各责任督学：\n"
             "为做好本学期经常性督导工作总结，请各责任督学于本月25日前在平台核对本人所负责学校的督导记录，"
             "各学校核对本校整改情况并及时报送。\n特此通知。", pinned=True)
    services.notice_publish(by=nx_office, notice=notice)
    services.notice_save(by=nx_office, office=nx, title="关于寒假前校园安全专项检查的通知（草稿）",
                         body="拟于寒假前开展校园安全专项检查，具体安排另行通知。", audience="schools")
    # a third of the readers have read it (not the printed school and supervisor accounts: they find it unread)
    receipts = AnnouncementReceipt.objects.filter(announcement=notice).exclude(
        user__username__in=["nx_school", "nx_supervisor"]).order_by("user_id")
    read = [r.pk for i, r in enumerate(receipts) if i % 3 == 0]
    AnnouncementReceipt.objects.filter(pk__in=read).update(read_at=timezone.now())
