"""Demo of draft review and the units' inbox (issue [11] item 2): a 督导意见书 of the 宁乡 office for the
demo school (nx_school's), sent for comments; the school contested one paragraph (answered 部分采纳 by
nx_office) and commented on the whole draft (not answered yet: the draft cannot go to 送审 until it
is). Also an issued 通知 to three 宁乡 schools, read by nx_school only, for the read receipts.

Walk it: `nx_school` → 收文 (/documents/inbox/); `nx_office` → /documents/<id>/review/ and /receipts/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from dudao.documents import review, services
from dudao.documents.models import AnswerKind, CommentKind, Document
from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office
from dudao.schools.models import School

if TYPE_CHECKING:
    from dudao.demo.build import DemoAccount

SOURCE = "demo.review"


def _body(school: School) -> list[dict]:
    return [
        {"type": "p", "text": f"根据《教育督导条例》和年度督导工作计划，宁乡市人民政府教育督导室于近期对{school.name}"
                              "进行了经常性督导，现将督导意见反馈如下。"},
        {"type": "h1", "text": "一、基本情况"},
        {"type": "p", "text": "学校办学行为规范，国家课程开齐开足，课后服务覆盖面达到95%以上，校园安全制度健全。"},
        {"type": "h1", "text": "二、存在问题"},
        {"type": "h2", "text": "（一）食堂管理"},
        {"type": "p", "text": "食堂食材采购索证索票台账不全，部分批次缺少检验检疫证明。"},
        {"type": "h2", "text": "（二）作业管理"},
        {"type": "p", "text": "个别班级书面作业总量超出规定，作业公示制度落实不到位。"},
        {"type": "h1", "text": "三、整改要求"},
        {"type": "p", "text": "请学校针对上述问题制定整改方案，于30日内将整改情况书面报送市教育督导室。"},
    ]


def build_ningxiang_review(accounts: list[DemoAccount] | None = None) -> Document | None:
    """Once: the draft in review with its comments, the issued notice with its receipts. Notes the walk
    on the printed rows of nx_school and nx_office."""
    grant = RoleGrant.objects.filter(user__username="nx_school", role=Role.SCHOOL_USER).first()
    school = grant.schools.first() if grant else None
    office = Office.objects.filter(region__code="430182").first()
    staff = User.objects.filter(username="nx_office").first()
    leader = User.objects.filter(username="nx_leader").first()
    if school is None or office is None or staff is None or grant is None:
        return None
    draft = Document.objects.filter(source=SOURCE, kind="opinion").first()
    if draft is None:
        draft = services.create_draft(
            by=staff, office=office, kind="opinion", title=f"关于{school.name}经常性督导的督导意见书（征求意见稿）",
            body=_body(school), addressee=school.name, school=school, source=SOURCE,
            recipients=[{"school": school, "name": school.name}])
        review.send_for_review(draft, by=staff, note="请重点核对“存在问题”部分是否属实。")
        school_user = grant.user
        contested = review.add_comment(
            draft, by=school_user, kind=CommentKind.OBJECTION, block_key=draft.body[5]["key"],
            text="食堂采购台账已于上月补齐，检验检疫证明已归档，附件为采购台账照片。请删除或修改此条。")
        review.answer_comment(contested, by=staff, answer=AnswerKind.PARTLY,
                              explanation="经核实台账已补齐，改为“已整改到位，须建立长效机制”，保留在问题清单中。")
        review.add_comment(draft, by=school_user, text="建议整改期限由30日调整为45日，以便完成作业公示平台建设。")
        _issued_notice(office, staff, leader, school, school_user)
    if accounts:
        for account in accounts:
            if account.username == "nx_school":
                account.scope += "；收文：督导意见书征求意见稿（可提意见）"
            elif account.username == "nx_office":
                account.scope += "；公文 征求意见答复、阅读情况"
    return draft


def _issued_notice(office: Office, staff: User, leader: User | None, school: School, school_user: User) -> None:
    others = list(School.objects.filter(region_code__startswith="430182").exclude(pk=school.pk).order_by("code")[:2])
    notice = services.create_draft(
        by=staff, office=office, kind="notice", title="关于开展秋季学期开学工作专项督导的通知", source=SOURCE,
        addressee="各中小学校", body=[
            {"type": "p", "text": "为确保秋季学期开学工作平稳有序，市教育督导室决定开展开学工作专项督导。"},
            {"type": "h1", "text": "一、督导内容"},
            {"type": "p", "text": "校舍安全、食堂管理、教材发放、课后服务和作业管理情况。"}],
        recipients=[{"school": s, "name": s.name} for s in [school, *others]])
    if leader is None:
        return
    services.submit(notice, by=staff)
    services.check(notice, by=leader, note="同意")
    services.issue(notice, by=leader, issued_on=timezone.localdate())
    services.mark_read(notice, by=school_user)
