"""The 宁乡市 rectification ledger (issue [4] demo data), built through the findings services.

Every problem of the demo year of visits becomes a finding (`finding_from_visit_problem`), and
the ledger is then moved through the workflow the way a county's year looks: most problems were
notified, reported with photos and closed (销号) in a few weeks, some late; some are still being
rectified, some overdue and escalated by the daily job (提醒负责人 → 报告市级 → 约谈), a few were
returned, disputed (申辩) or cancelled. A handful of named findings show every state on the demo
school account (nx_school) and on government units (督政), and a monitoring warning over several
schools shows `findings_bulk_create`.

The services stamp "now" on each step; the demo then dates each step back to when it would have
happened (found → notified next day → reported → verified), so the ledger's days-to-close and
overdue rate read like a real year. Deterministic (fixed seed); does nothing the second time.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.findings.models import Finding, FindingEvent, FindingState
from dudao.governance.models import GovernmentUnit
from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office
from dudao.schools.models import School

REPORTS = [
    "已按要求完成整改：落实专人负责，建立检查台账，附整改前后照片。",
    "学校召开专题行政会研究整改，已完成整改并建立长效机制，附相关制度和照片。",
    "已完成整改，相关记录已补齐，附佐证材料。",
]
VERIFY_NOTES = ["回访现场核查，整改到位，同意销号。", "查阅台账并实地查看，问题已整改。", ""]
RETURN_NOTES = ["照片不能反映整改效果，请补充现场照片和制度文件。", "整改不彻底，现场仍有杂物堆放，请继续整改。"]


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    """A small JPEG 'photo' (a coloured card), different per call so each report has its own file."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (rng.randint(90, 220), rng.randint(90, 220), rng.randint(90, 220)))
    ImageDraw.Draw(image).rectangle((12, 12, 148, 108), outline=(255, 255, 255), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


def _moment(day: date, hour: int = 10) -> datetime:
    """That day at that hour, but never later than now (a step "today at 16:00" in the morning)."""
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now())


class _Ledger:
    """Moves one finding through the services as the right people, then dates the step back."""

    def __init__(self, rng: random.Random, today: date, office_user: User, school_user: User | None):
        self.rng, self.today = rng, today
        self.office_user, self.school_user = office_user, school_user
        self.last: dict[int, datetime] = {}  # when each finding's latest step happened

    def unit(self, finding: Finding) -> User:
        """The school's own account when the demo has one; otherwise the office reports for the unit."""
        if self.school_user is not None and finding.school_id and RoleGrant.objects.filter(
                user=self.school_user, role=Role.SCHOOL_USER, schools=finding.school_id).exists():
            return self.school_user
        return self.office_user

    def verifier(self, finding: Finding) -> User:
        supervisor = finding.supervisor
        return supervisor.user if supervisor is not None and supervisor.user_id and supervisor.user.is_active else self.office_user

    def step(self, finding: Finding, action: str, on: date, *, by: User | None = None, note: str = "", files=(), data=None) -> Finding:
        from dudao.findings.services import finding_transition

        by = by or self.office_user
        finding = finding_transition(by=by, finding=finding, action=action, note=note, files=files, data=data)
        event = FindingEvent.objects.filter(finding=finding, action=action).order_by("-id").first()
        when = _moment(min(max(on, finding.found_on), self.today), 9 + self.rng.randint(0, 7))
        previous = self.last.get(finding.pk)
        if previous is not None and when <= previous:  # the history stays in order
            when = previous + timedelta(hours=2)
        when = min(when, timezone.now())  # never in the future
        self.last[finding.pk] = when
        FindingEvent.objects.filter(pk=event.pk).update(created_at=when)
        finding.evidence.filter(event=event).update(created_at=when)
        stamp = {"notify": "notified_at", "report": "reported_at", "verify": "closed_at"}.get(action)
        if stamp:
            Finding.objects.filter(pk=finding.pk).update(**{stamp: when})
            setattr(finding, stamp, when)
        return finding

    def notify(self, finding: Finding) -> Finding:
        return self.step(finding, "notify", finding.found_on + timedelta(days=1))

    def report(self, finding: Finding, on: date) -> Finding:
        return self.step(finding, "report", on, by=self.unit(finding), note=self.rng.choice(REPORTS),
                         files=[_photo(self.rng, "整改后照片")])

    def close(self, finding: Finding, reported: date, closed: date) -> Finding:
        finding = self.report(finding, reported)
        return self.step(finding, "verify", closed, by=self.verifier(finding), note=self.rng.choice(VERIFY_NOTES))

    def start(self, finding: Finding, on: date) -> Finding:
        """开始整改 is the unit's own step: without a school account the finding stays notified."""
        unit = self.unit(finding)
        return finding if unit == self.office_user else self.step(finding, "start", on, by=unit)


def _fate(ledger: _Ledger, finding: Finding) -> None:
    """A finding from a visit: what happened to it by today, by how far its deadline is."""
    rng, today = ledger.rng, ledger.today
    span = max(1, (finding.deadline - finding.found_on).days)
    roll = rng.random()
    if finding.deadline < today:  # the deadline has passed
        finding = ledger.notify(finding)
        recent = (today - finding.deadline).days <= 120  # older problems were dealt with long ago
        if roll < (0.60 if recent else 0.85):  # closed; about one in six after the deadline
            if rng.random() < 0.16:
                closed = finding.deadline + timedelta(days=rng.randint(3, 20))
            else:
                closed = finding.found_on + timedelta(days=rng.randint(max(2, span // 3), max(2, span)))
            closed = min(closed, today)
            reported = max(finding.found_on + timedelta(days=2), closed - timedelta(days=rng.randint(0, 3)))
            ledger.close(finding, min(reported, closed), closed)
        elif roll < (0.70 if recent else 0.95):  # returned once, then closed
            reported = min(finding.found_on + timedelta(days=max(2, span // 2)), today - timedelta(days=3))
            finding = ledger.report(finding, reported)
            finding = ledger.step(finding, "return", reported + timedelta(days=2), by=ledger.verifier(finding),
                                  note=rng.choice(RETURN_NOTES))
            again = min(today - timedelta(days=1), reported + timedelta(days=rng.randint(5, 12)))
            ledger.close(finding, again, min(today, again + timedelta(days=rng.randint(1, 5))))
        elif recent and roll < 0.90:  # still being rectified: overdue (the daily job escalates it)
            ledger.start(finding, finding.found_on + timedelta(days=3))
        elif recent and roll < 0.97:  # reported after the deadline, waiting for the supervisor
            ledger.report(finding, today - timedelta(days=rng.randint(1, 4)))
        else:
            ledger.step(finding, "cancel", finding.found_on + timedelta(days=5),
                        note="经复核，该问题已在督导当日立行立改，撤销整改通知。")
    else:  # still running
        if roll < 0.05:
            return  # recorded, notice not yet issued
        finding = ledger.notify(finding)
        if roll < 0.35:
            return
        if roll < 0.65:
            ledger.start(finding, min(today, finding.found_on + timedelta(days=3)))
        elif roll < 0.90:
            ledger.report(finding, min(today, finding.found_on + timedelta(days=rng.randint(2, 8))))
        else:
            reported = min(today, finding.found_on + timedelta(days=2))
            ledger.close(finding, reported, today)


def _named(ledger: _Ledger, nx: Office, city: Office, city_user: User, today: date) -> list[Finding]:
    """Findings that show every state on the demo school account and on government units."""
    from dudao.findings.services import finding_create, findings_bulk_create

    made: list[Finding] = []

    def create(*, by=None, office=nx, found: int, deadline: int, **fields) -> Finding:
        finding = finding_create(by=by or ledger.office_user, office=office, found_on=today - timedelta(days=found),
                                 deadline=today + timedelta(days=deadline), **fields)
        created = _moment(finding.found_on, 16)
        FindingEvent.objects.filter(finding=finding, action="created").update(created_at=created)
        ledger.last[finding.pk] = created
        made.append(finding)
        return finding

    school = None
    if ledger.school_user is not None:
        school = School.objects.filter(role_grants__user=ledger.school_user).order_by("code").first()
    if school is not None:
        campaign = {"source": "campaign", "source_label": f"{today.year}年秋季开学工作专项督导"}
        # due in 3 days, being rectified (amber on the ledger; "1 due in 5 days" on the home page)
        f = create(school=school, category="safety", description="上下学时段校门口交通秩序混乱，未设置护学岗",
                   requirement="设立护学岗，联系交警落实上下学时段交通疏导，完善接送区标识", found=12, deadline=3, **campaign)
        ledger.start(ledger.notify(f), today - timedelta(days=8))
        # overdue: red, escalated by the daily job
        f = create(school=school, category="safety", severity="serious", description="学生宿舍部分上铺护栏高度不足",
                   requirement="更换或加高上铺护栏，护栏高出床面不少于30厘米", found=40, deadline=-12, **campaign)
        ledger.start(ledger.notify(f), today - timedelta(days=36))
        # notified, well within the deadline
        f = create(school=school, category="fees", description="课后服务收费项目和标准未在校务公开栏公示",
                   requirement="在校务公开栏和家长群公示收费项目、标准和依据", found=5, deadline=20, source="other",
                   source_label="家长来电反映，经责任督学核实")
        ledger.notify(f)
        # disputed (申辩): the office must answer within the policy's days
        f = create(school=school, category="curriculum", description="体育课开课不足，检查当日未按课表上体育课",
                   requirement="严格执行课程计划，开齐开足体育课", found=10, deadline=15, source="campaign",
                   source_label=f"{today.year}年“双减”专项督导")
        f = ledger.notify(f)
        ledger.step(f, "dispute", today - timedelta(days=6), by=ledger.unit(f),
                    note="课表显示每周4节体育课，检查当日因降雨改在室内进行，附课表和教学日志。")
        # dispute accepted (采纳申辩并撤销)
        f = create(school=school, category="ethics", description="家长反映个别教师组织有偿补课",
                   requirement="调查核实，依规处理并公示结果", found=35, deadline=-5, source="other",
                   source_label="群众来信，经核实")
        f = ledger.step(ledger.notify(f), "dispute", today - timedelta(days=30), by=ledger.unit(f),
                        note="经学校调查，相关活动系社区公益课堂，未收取费用，附社区证明。")
        ledger.step(f, "dispute_accept", today - timedelta(days=20), note="经核实申辩理由成立，撤销该问题。")
        # closed: reported with photos, verified on the next visit
        f = create(school=school, category="management", description="图书室图书陈旧，近三年新增图书不足",
                   requirement="制定图书更新计划，本学期补充适龄图书", found=60, deadline=-20, source="campaign",
                   source_label=f"{today.year}年春季开学工作专项督导")
        ledger.close(ledger.notify(f), today - timedelta(days=42), today - timedelta(days=38))
        # extended (延期): the office allowed more time for building work
        f = create(school=school, category="safety", description="教学楼二楼消防应急照明灯损坏", found=25, deadline=5,
                   requirement="更换应急照明灯并检查全部消防设施", source="other", source_label="消防安全检查")
        f = ledger.start(ledger.notify(f), today - timedelta(days=20))
        ledger.step(f, "extend", today - timedelta(days=2), note="需统一采购，延期15天。",
                    data={"deadline": (today + timedelta(days=20)).isoformat()})
    others = list(School.objects.filter(region_code__startswith="430182").exclude(pk=getattr(school, "pk", None))
                  .order_by("code")[5:40])
    if len(others) >= 6:
        # returned: the photos did not show the fix
        f = create(school=others[0], category="hygiene", description="食堂餐具消毒记录不全",
                   requirement="完善餐具消毒记录，落实专人负责", found=30, deadline=-2, source="other",
                   source_label="食品安全专项检查")
        f = ledger.report(ledger.notify(f), today - timedelta(days=6))
        ledger.step(f, "return", today - timedelta(days=4), by=ledger.verifier(f), note=RETURN_NOTES[0])
        # cancelled by the office: the problem had been fixed on the spot
        f = create(school=others[1], category="hygiene", description="饮水机滤芯未按期更换",
                   requirement="更换滤芯并建立更换记录", found=35, deadline=-5, source="other", source_label="责任督学日常巡查")
        ledger.step(ledger.notify(f), "cancel", today - timedelta(days=30), note="经复核，学校已在督导当日立行立改。")
        # recorded today, notice not yet issued
        create(school=others[2], category="safety", description="操场围墙局部开裂", requirement="设置警示并尽快维修加固",
               found=0, deadline=30, source="other", source_label="责任督学日常巡查")
        # a monitoring warning over three schools: one requirement, one deadline (findings_bulk_create)
        items = [{"office": nx, "school": s, "category": "management",
                  "description": f"{s.name}存在56人以上大班额",
                  "source_data": {"indicator": "large_class_56", "value": 2 + i}} for i, s in enumerate(others[3:6])]
        for f in findings_bulk_create(by=ledger.office_user, items=items, source="monitoring",
                                      source_label=f"{today.year}年义务教育均衡发展监测预警",
                                      requirement="制定消除大班额工作方案，下学期起不再新增56人以上大班额",
                                      deadline=today + timedelta(days=60)):
            made.append(ledger.notify(f))
    # Government units (督政): the city office on the county government, the county office on a bureau.
    # Both are linked to their government unit (the one the 督政 pages and the unit's accounts use).
    county_government, bureau = _county_units(nx)
    f = create(by=city_user, office=city, government_unit=county_government, category="facilities",
               severity="serious", source="evaluation", source_label="县域义务教育优质均衡发展督导评估（市级复核）",
               description="县域小学生均教学及辅助用房面积差异系数0.58，高于0.50的标准",
               requirement="制定薄弱学校改扩建计划，两年内达标", responsible_unit="宁乡市人民政府",
               responsible_person="分管副市长", found=50, deadline=300)
    ledger.step(f, "notify", today - timedelta(days=48), by=city_user)
    f = create(government_unit=bureau, category="management", source="monitoring",
               source_label="教育经费执行情况监测", description="教师培训经费未按年度公用经费预算总额的5%安排",
               requirement="调整预算，足额安排教师培训经费", responsible_unit="宁乡市教育局", found=80, deadline=-45)
    ledger.step(f, "notify", today - timedelta(days=78))
    return made


def _county_units(nx: Office) -> tuple[GovernmentUnit, GovernmentUnit]:
    """宁乡市人民政府 (made from the region tree, as the 督政 demo does) and its department 宁乡市教育局."""
    from dudao.governance.models import UnitKind
    from dudao.governance.services import government_name, units_from_regions

    units_from_regions(by=None, office=nx)
    government = GovernmentUnit.objects.get(region=nx.region, name=government_name(nx.region))
    bureau, _made = GovernmentUnit.objects.get_or_create(
        region=nx.region, name="宁乡市教育局", defaults={"kind": UnitKind.DEPARTMENT, "parent": government})
    return government, bureau


def build_ningxiang_findings(seed: int = 2027, today: date | None = None) -> int:
    """Idempotent: does nothing the second time (see the marker below). Returns how many were made."""
    from dudao.findings.escalation import findings_daily, findings_install_defaults
    from dudao.findings.services import finding_from_visit_problem
    from dudao.visits.models import VisitProblem

    nx = Office.objects.get(region__code="430182")
    # The marker is this module's own government-unit finding: other demo modules (complaints,
    # monitoring) may add findings for 宁乡 before or after this one.
    if Finding.objects.filter(office=nx, school__isnull=True, unit_name="宁乡市教育局").exists():
        return 0
    findings_install_defaults()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    office_user = User.objects.filter(role_grants__role=Role.OFFICE_STAFF, role_grants__office=nx).order_by("id").first()
    city = Office.objects.get(region__code="4301")
    city_user = User.objects.filter(role_grants__role=Role.OFFICE_STAFF, role_grants__office=city).order_by("id").first()
    school_user = User.objects.filter(username="nx_school").first()
    if office_user is None or city_user is None:
        return 0
    ledger = _Ledger(rng, today, office_user, school_user)
    count = 0
    problems = (VisitProblem.objects.filter(visit__supervisor__office=nx, visit__status="submitted", finding__isnull=True)
                .select_related("visit__school__region", "visit__supervisor__office__region", "visit__created_by")
                .order_by("visit__visit_date", "id"))
    for problem in problems:
        finding = finding_from_visit_problem(problem)
        created = _moment(finding.found_on, 17)
        FindingEvent.objects.filter(finding=finding, action="created").update(created_at=created)
        ledger.last[finding.pk] = created
        _fate(ledger, finding)
        count += 1
    count += len(_named(ledger, nx, city, city_user, today))
    findings_daily(today)  # reminders and escalation steps for what is overdue today
    return count


__all__ = ["FindingState", "build_ningxiang_findings"]
