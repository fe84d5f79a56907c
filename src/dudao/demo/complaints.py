"""Complaints from the public for 宁乡市 (issue [4] demo data), built through the complaints services.

About forty contacts over the last four months, shaped the way offices describe them: most are
questions (enrolment, fees, homework, holidays) answered in a day or two and closed; some belong to
another department and are referred; a few hold and become findings in the rectification ledger;
a couple are unfounded; two wait for the next visit; a few are new, two of them past their
response deadline. About one in six came by the complaint telephone and was recorded by the office.

The services stamp "now"; the demo then dates each step back to when it would have happened.
Deterministic (fixed seed); does nothing if 宁乡 already has complaints.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from dudao.complaints.models import Complaint, ComplaintAction, ComplaintEvent, ComplaintOutcome
from dudao.complaints.services import FindingIn, complaint_close, complaint_submit, complaint_triage
from dudao.people.models import Role, RoleGrant
from dudao.regions.models import Office
from dudao.zones.models import Assignment

# (category, what the parent wrote, the answer)
QUESTIONS = [
    ("enrolment", "请问今年一年级新生入学报名需要准备哪些材料？房产证还在办理中可以报名吗？",
     "您好，可凭购房合同和户口簿先行报名，房产证办好后补交复印件。具体以学校公告为准。"),
    ("enrolment", "孩子随父母从外地转学回宁乡，转学手续怎么办理？", "您好，请携带户口簿和原学校学籍证明到接收学校办理，学籍系统内转接。"),
    ("fees", "学校收的校服费是自愿的吗？不买可以吗？", "您好，校服遵循学生自愿购买原则，学校不得强制购买。"),
    ("fees", "课后服务收费标准是多少？是按月交还是按学期交？", "您好，课后服务按市发改部门核定标准、按学期收取，家长自愿参加。"),
    ("workload", "三年级每天的书面作业大概要做多久？孩子经常写到九点多。",
     "您好，按规定小学三至六年级书面作业平均完成时间不超过 60 分钟，已提醒学校加强作业统筹。"),
    ("question", "暑假学校开放图书室吗？", "您好，学校暑假每周二、周四上午开放图书室，请提前与班主任联系。"),
    ("question", "寒假放假时间是哪天？", "您好，按市教育局校历，寒假自 1 月 20 日起，具体以学校通知为准。"),
    ("teaching", "听说下学期要分快慢班，是真的吗？", "您好，义务教育学校不得分设重点班、快慢班，学校已确认不会分班。"),
    ("question", "学生意外伤害保险是学校统一买吗？", "您好，学生意外伤害保险由家长自愿购买，学校不得代收代办。"),
    ("enrolment", "小升初划片范围在哪里查？", "您好，划片范围已在宁乡市教育局网站公布，也可电话咨询学校招生办。"),
    ("fees", "学校让买的练习册要交多少钱？", "您好，教辅材料由家长自愿选购，学校不得统一征订收费。"),
    ("question", "孩子在学校受了点轻伤，学校有没有责任告知家长？",
     "您好，学生在校受伤，学校应及时处置并告知家长，已提醒学校落实告知制度。"),
    ("workload", "周末作业太多了，能不能减少一些？", "您好，已将您的意见转告学校，学校将在年级组内统筹周末作业量。"),
    ("question", "校车每天几点到我们村？", "您好，校车时刻表已在学校公众号公布，如有变动学校会提前通知。"),
    ("enrolment", "户籍在宁乡但在长沙市区上班，孩子可以在宁乡读书吗？", "您好，可以，按户籍所在地划片入学。"),
    ("question", "学校食堂的伙食费怎么收？", "您好，伙食费按实收取、每学期公示，结余部分按规定退还。"),
    ("teaching", "孩子班上换了三次语文老师，会不会影响学习？", "您好，已了解到原教师因病休假，学校已安排固定教师接任。"),
    ("question", "学校有没有心理咨询老师？", "您好，学校设有心理辅导室，每周一、三、五下午开放。"),
    ("fees", "春游活动要交钱吗？", "您好，学校组织的春游活动遵循自愿原则，费用按实公示。"),
    ("question", "孩子近视了，学校有没有护眼措施？", "您好，学校每天安排两次眼保健操，并每学期开展一次视力筛查。"),
    ("enrolment", "随迁子女入学需要居住证吗？", "您好，需提供居住证或居住登记证明，具体材料见教育局招生公告。"),
    ("question", "学校运动会家长可以去看吗？", "您好，学校运动会设家长开放日，具体安排以学校通知为准。"),
    ("workload", "孩子每天要打卡背书，家长压力很大。", "您好，学校不得要求家长批改作业或打卡，已提醒学校整改。"),
    ("question", "放学后可以在学校写作业吗？", "您好，学校课后服务时段可在校完成作业，自愿报名。"),
]
REFERRED = [
    ("safety", "学校旁边的路口没有红绿灯，上下学车很多，很危险。", "宁乡市公安局交通警察大队",
     "您好，路口交通设施属于公安交警部门职责，已转交宁乡市公安局交通警察大队办理。"),
    ("canteen", "校门口的流动摊贩卖三无零食，孩子放学都去买。", "宁乡市市场监督管理局",
     "您好，校园周边食品摊贩由市场监管部门管理，已转交宁乡市市场监督管理局。"),
    ("teaching", "有老师在校外培训机构兼职上课。", "宁乡市教育局人事科",
     "您好，在职教师违规兼职问题已转交宁乡市教育局人事科核查处理。"),
    ("other", "小区附近新开的培训机构没有资质，能不能查一查？", "宁乡市教育局校外教育培训监管科",
     "您好，校外培训机构资质由校外教育培训监管部门负责，已转交办理。"),
    ("safety", "上学路上有一段路没有路灯，冬天早上很黑。", "宁乡市城市管理和综合执法局",
     "您好，道路照明属于城管部门职责，已转交宁乡市城市管理和综合执法局。"),
]
INVESTIGATED = [
    ("fees", "学校以“资料费”名义每人收取 80 元，没有收据。", "fees", "以“资料费”名义向学生收取费用，无收费依据、未开具票据",
     "立即停止违规收费，全额退还已收费用，并在校务公开栏公示退费情况", "到校查阅收费台账并询问班主任，属实，涉及 6 个班。",
     "您好，经核实，您反映的问题属实，已责令学校停止收费并全额退还。"),
    ("safety", "学校后面的围墙有一段裂开了，小孩子经常在那边玩。", "safety", "校园西侧围墙开裂，存在倒塌隐患",
     "立即设置警戒隔离，15 日内完成围墙加固或重建，并报送整改照片", "到校实地查看，围墙约 6 米开裂，属实。",
     "您好，经现场核实，围墙确有安全隐患，已责令学校立即隔离并限期维修。"),
    ("canteen", "食堂的菜有时候是馊的，孩子回家说肚子疼。", "hygiene", "食堂食材储存不规范，留样记录不全",
     "规范食材进货查验和储存，落实食品留样制度，由校长陪餐并做好记录", "突击检查食堂，冷藏柜温度异常，留样记录缺 3 天。",
     "您好，经突击检查，食堂管理确有问题，已责令学校限期整改，责任督学将跟踪复查。"),
]
UNFOUNDED = [
    ("ethics", "某老师体罚学生，罚站一整节课。", "到校与学生、家长座谈，调阅教室监控，未发现体罚情况。",
     "您好，经责任督学到校调查核实，未发现您反映的体罚情况。如有新的线索，欢迎再次反映。"),
    ("fees", "学校收取了择校费。", "查阅学校收费台账和银行流水，未发现择校费收取记录。",
     "您好，经核查学校收费台账，未发现收取择校费的情况。"),
]
KEPT = [
    ("canteen", "宿舍的热水经常没有，冬天孩子洗不了澡。", "您好，您反映的情况已记录，责任督学将在近期到校督导时现场核实。"),
    ("teaching", "学校的体育课经常被语文数学老师占用。", "您好，您反映的情况已记录，责任督学将在下次督导时推门听课核实。"),
]
PENDING = [
    ("workload", "初二晚自习要上到九点半，孩子睡眠严重不足。", 2),
    ("fees", "学校要求家长在指定书店购买寒假作业。", 1),
    ("safety", "学校的消防通道被电动车堵住了。", 18),  # overdue
    ("ethics", "班主任在家长群里公开学生成绩排名。", 25),  # overdue
]


def build_ningxiang_complaints(seed: int = 2024, today=None) -> int:
    """Idempotent: does nothing if 宁乡's schools already have complaints."""
    office = Office.objects.get(region__code="430182")
    if Complaint.objects.filter(school__region_code__startswith="430182").exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    staff = RoleGrant.objects.filter(role=Role.OFFICE_STAFF, office=office).select_related("user").first().user
    assignments = list(Assignment.objects.current().filter(supervisor__office=office, school__is_active=True)
                       .select_related("school", "supervisor__user").order_by("school__code"))
    # the demo supervisor account's schools come up more often, so its list is not empty
    own = [a for a in assignments if a.supervisor.user_id and a.supervisor.user.username == "nx_supervisor"]

    def school_for():
        return rng.choice(own if own and rng.random() < 0.25 else assignments).school

    def received(days_ago: int):
        day = today - timedelta(days=days_ago)
        while day.weekday() >= 5 and days_ago > 3:
            day -= timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time(rng.randint(7, 21), rng.choice([0, 10, 25, 40, 55]))))

    def new(category: str, text: str, days_ago: int):
        by_phone = rng.random() < 0.17
        anonymous = not by_phone and rng.random() < 0.3
        return complaint_submit(
            school=school_for(), category=category, text=text, received_at=received(days_ago),
            anonymous=anonymous, phone="" if anonymous else f"139{rng.randint(10000000, 99999999)}",
            contact_name="" if anonymous else rng.choice(["王女士", "李先生", "张女士", "刘先生", "陈女士", "家长"]),
            channel="phone" if by_phone else "online", by=staff if by_phone else None,
            ip_hash="" if by_phone else f"demo-{rng.getrandbits(64):016x}",
        )

    def handler(complaint: Complaint):
        sup = complaint.supervisor
        return sup.user if sup is not None and sup.user_id else staff

    def backdate(complaint: Complaint, answered_after_days: float, closed_after_days: float | None = None) -> None:
        answered = complaint.received_at + timedelta(days=answered_after_days)
        Complaint.objects.filter(pk=complaint.pk).update(answered_at=answered)
        ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintAction.TRIAGED).update(created_at=answered)
        ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintAction.RECEIVED).update(created_at=complaint.received_at)
        if closed_after_days is not None:
            closed = complaint.received_at + timedelta(days=closed_after_days)
            Complaint.objects.filter(pk=complaint.pk).update(closed_at=closed)
            ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintAction.CLOSED).update(created_at=closed)

    count = 0
    for n, (category, text, answer) in enumerate(QUESTIONS):
        c = new(category, text, rng.randint(4, 120))
        c = complaint_triage(by=handler(c), complaint=c, outcome=ComplaintOutcome.QUESTION, public_answer=answer,
                             reply_method=rng.choice(["online", "online", "phone"]))
        delay = rng.choice([0.2, 0.5, 1, 1, 2, 3]) if n % 9 else 8  # a few were late
        if n % 4:
            complaint_close(by=handler(c), complaint=c)
            backdate(c, delay, delay + rng.choice([0.1, 1, 2]))
        else:
            backdate(c, delay)
        count += 1
    for category, text, department, answer in REFERRED:
        c = new(category, text, rng.randint(10, 100))
        c = complaint_triage(by=handler(c), complaint=c, outcome=ComplaintOutcome.REFERRED, public_answer=answer,
                             referred_to=department, note="已电话告知反映人转办情况。", reply_method="phone")
        backdate(c, rng.choice([1, 2, 3]))
        count += 1
    for category, text, problem_category, description, requirement, verification, answer in INVESTIGATED:
        c = new(category, text, rng.randint(8, 20))
        c = complaint_triage(
            by=handler(c), complaint=c, outcome=ComplaintOutcome.INVESTIGATED, public_answer=answer,
            verified_on=timezone.localdate(c.received_at) + timedelta(days=2), verification_method="到校核实",
            verification_note=verification,
            finding=FindingIn(category=problem_category, description=description, requirement=requirement,
                              deadline=today + timedelta(days=rng.choice([10, 15, 30])), severity="serious"),
        )
        backdate(c, 3)
        count += 1
    for category, text, verification, answer in UNFOUNDED:
        c = new(category, text, rng.randint(20, 80))
        c = complaint_triage(by=handler(c), complaint=c, outcome=ComplaintOutcome.UNFOUNDED, public_answer=answer,
                             verified_on=timezone.localdate(c.received_at) + timedelta(days=2),
                             verification_method="到校调查、座谈走访", verification_note=verification)
        complaint_close(by=handler(c), complaint=c)
        backdate(c, 4, 5)
        count += 1
    for category, text, answer in KEPT:
        c = new(category, text, rng.randint(6, 15))
        c = complaint_triage(by=handler(c), complaint=c, outcome=ComplaintOutcome.KEPT_FOR_VISIT, public_answer=answer)
        backdate(c, 1)
        count += 1
    for category, text, days_ago in PENDING:
        new(category, text, days_ago)
        count += 1
    return count
