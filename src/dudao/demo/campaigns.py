"""宁乡市's campaigns (issue [9] item 8): seed 002's two 专项督导 of one month and a 综合督导评估 round.

- 暑期有偿补课专项督导 (last summer, the 有偿补课 built-in checklist): the bureau's 监审, 普教 and
  成职幼教 sections join the office in five groups (督查组); the schools inspected themselves
  (自查自纠, most on time, some late, a few never), the groups verified on site — a few schools said
  "是" where the group found "否" (discrepancy flags) — the results were computed and the problems
  went into the findings ledger once; the campaign is now in rectification (整改).
- 秋季开学工作专项督导 (this term, the 开学工作 built-in): the plan approved by the bureau's leader,
  the notice sent, 72 inspectors — the demo's supervisors and bureau staff of 普教, 纪检监察, 宣教,
  综治, 成职幼教, 计财 — in twelve groups with one leader each, the schools allocated; the on-site
  window holds the demo's today, so the on-site pages are live.
- 全面实施素质教育学校督导评估 (a weighted framework copied from the Hainan built-in and adapted by the
  office, points out of 100 with a veto item and grade bands): two supervisor groups and the
  contracted third party (湘评教育咨询, the `evaluator` account); results computed (grades, ranking,
  a veto, flags) and the findings registered; the round is at its summary (总结). The third party's
  on-site window (a contract period) still holds today, so the evaluator reads its schools.

Everything goes through the services as the office (nx_office) and the leader (nx_leader); answers
and on-site scores are written as `Score` rows in bulk (the data model the services read), since the
schools and raters have no demo session. Dates are relative to the demo's today (like the visits and
the ledger); the rest is fixed by the seed. Does nothing the second time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from dudao.campaigns import scoring
from dudao.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignSchool,
    MemberKind,
    Score,
    ScoreKind,
    SelfInspection,
    SelfInspectionState,
    Team,
    TeamMember,
)
from dudao.campaigns.results import campaign_findings_create, campaign_results_compute, load_tree
from dudao.campaigns.selection import ScopeSpec
from dudao.campaigns.services import campaign_create, campaign_scope_apply, campaign_transition
from dudao.campaigns.teams import allocation_run, team_create, team_member_add
from dudao.frameworks.models import Framework, VersionState
from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office, Region
from dudao.supervisors.models import Supervisor

NX = "430182"
EVALUATOR_ORG = "湘评教育咨询有限公司"
# Bureau staff (机关工作人员) by section: accounts without a supervisor record or any role.
SECTIONS = [("普教", 8), ("纪检监察", 6), ("宣教", 5), ("综治", 5), ("成职幼教", 5), ("计财", 4), ("监审", 3)]
STAFF_NAMES = ("周立群 黄志坚 刘晓红 李建新 喻爱国 彭小兵 贺新民 戴文华 谢红梅 罗德胜 曾海燕 欧阳平 姜国强 文春花 "
               "龙建军 易卫东 廖明亮 袁正阳 唐光辉 成世杰 朱振兴 汤晓东 胡立新 邓海波 陈春华 杨国平 王红卫 张爱民 "
               "吴德华 周新民 黄文军 刘振华 李光明 彭春燕 贺志刚 戴玉兰").split()
# The printed accounts (README, docs/campaigns.md "Demo"): the leader of 秋季开学's 第一组 and a
# 纪检监察 staff member in a group of both special campaigns.
TEAM_LEADER, STAFF_MEMBER = "nx_zuzhang", "nx_jijian"
SELF_REPORT = "我校对照检查内容逐项开展自查，召开专题会议部署，建立自查台账；发现的问题已列入整改清单，明确责任人和完成时限。"
CN_NUMBERS = "一二三四五六七八九十"


def _group(n: int) -> str:
    return f"第{CN_NUMBERS[n - 1] if n <= 10 else '十' + CN_NUMBERS[n - 11]}组"


@dataclass
class _People:
    office: Office
    staff: User  # nx_office
    leader: User  # nx_leader
    supervisors: list[User]  # accounts of 宁乡's active supervisors, the demo supervisor first
    bureau: list[tuple[User, str]]  # (account, section)


def _at(day: date, hour: int = 10) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now())


def _people(rng: random.Random) -> _People:
    office = Office.objects.get(region__code=NX)
    password = make_password("Dudao@2026")  # hashed once: the demo password for every generated account
    records = list(Supervisor.objects.filter(office=office, status="active").select_related("user").order_by("id"))
    missing = [s for s in records if s.user_id is None]
    users = User.objects.bulk_create([
        User(username=f"nx_dx{i:02d}", full_name=f"宁乡市督学·{s.name}", password=password, phone=s.phone)
        for i, s in enumerate(missing, start=1)])
    for record, user in zip(missing, users, strict=True):
        record.user = user
    Supervisor.objects.bulk_update(missing, ["user"])
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.SUPERVISOR, office=office) for u in users])
    demo = User.objects.get(username="nx_supervisor")
    accounts = [demo] + [s.user for s in records if s.user_id != demo.pk]
    # The printed team leader: a full-time supervisor of the new team (seed 002's reform).
    if not User.objects.filter(username=TEAM_LEADER).exists():
        leader_record = next(s for s in records if s.kind == "full_time" and s.user.username.startswith("nx_dx"))
        leader_user = leader_record.user
        leader_user.username, leader_user.full_name = TEAM_LEADER, f"宁乡市专职督学·{leader_record.name}"
        leader_user.save(update_fields=["username", "full_name"])
    bureau: list[tuple[User, str]] = []
    names = iter(STAFF_NAMES)
    n = 0
    for section, count in SECTIONS:
        for _i in range(count):
            n += 1
            name = next(names)
            username = STAFF_MEMBER if section == "纪检监察" and not any(s == "纪检监察" for _u, s in bureau) else f"nx_staff{n:02d}"
            bureau.append((User(username=username, full_name=f"宁乡市教育局{section}·{name}", password=password,
                                phone=f"0731-8782{rng.randint(1000, 9999)}"), section))
    existing = User.objects.in_bulk([u.username for u, _s in bureau], field_name="username")
    User.objects.bulk_create([u for u, _s in bureau if u.username not in existing])
    stored = User.objects.in_bulk([u.username for u, _s in bureau], field_name="username")
    bureau = [(stored[u.username], s) for u, s in bureau]
    return _People(office, User.objects.get(username="nx_office"), User.objects.get(username="nx_leader"),
                   accounts, bureau)


def _create(people: _People, data: dict, spec: ScopeSpec) -> Campaign:
    campaign = campaign_create(by=people.staff, office=people.office, data=data)
    campaign_scope_apply(by=people.staff, campaign=campaign, spec=spec)
    campaign_transition(by=people.staff, campaign=campaign, action="submit")
    campaign_transition(by=people.leader, campaign=campaign, action="approve", note="同意按实施方案组织实施。")
    return campaign


def _step(people: _People, campaign: Campaign, *actions: str) -> Campaign:
    for action in actions:
        campaign = campaign_transition(by=people.staff, campaign=campaign, action=action)
    return campaign


def _teams(people: _People, campaign: Campaign, groups: list[list[tuple[User, str]]], *, bulk: bool = False) -> list[Team]:
    """One team per group; the group's first person leads. `section` "" = a supervisor.

    Members join through `team_member_add` (kind from the account, one team per person, 回避), or,
    for the 72 of 秋季开学 (`bulk`), in one insert with one logged step per team: the rules hold by
    construction (kinds as `member_kind_of` decides, everyone once, no school allocated yet)."""
    teams = []
    rows: list[TeamMember] = []
    for n, members in enumerate(groups, start=1):
        team = team_create(campaign=campaign, name=_group(n), by=people.staff)
        if bulk:
            rows += [TeamMember(team=team, user=user, kind=MemberKind.STAFF if section else MemberKind.SUPERVISOR,
                                section=section or "督导室", phone=user.phone, is_leader=i == 0)
                     for i, (user, section) in enumerate(members)]
            CampaignEvent.objects.create(campaign=campaign, actor=people.staff, action="member_add",
                                         note=f"{team.name}：" + "、".join(u.display_name for u, _s in members))
        else:
            for i, (user, section) in enumerate(members):
                team_member_add(team=team, user=user, by=None, section=section, is_leader=i == 0)
        teams.append(team)
    if rows:
        assert len({m.user_id for m in rows}) == len(rows)
        TeamMember.objects.bulk_create(rows)
    allocation_run(campaign=campaign, by=people.staff)
    return teams


def _answer(item: scoring.Item, rng: random.Random, good: float) -> tuple[Decimal, str]:
    """(value, choice) of an answer: yes/no items 是 with probability `good`; points items a share."""
    if item.scoring == scoring.YES_NO:
        yes = rng.random() < good
        return (item.max_score or Decimal(1)) if yes else Decimal(0), "yes" if yes else "no"
    if item.scoring == scoring.RUBRIC:
        label, value = item.levels[0] if rng.random() < good else item.levels[-1]
        return value, label
    top = item.max_score or Decimal(10)
    share = Decimal(str(min(1.0, max(0.3, rng.gauss(good, 0.08)))))
    return scoring.q2((top * share * 2).to_integral_value() / 2), ""


def _self_rows(campaign: Campaign, tree: scoring.Tree, entries: list[CampaignSchool], rng: random.Random,
               deadline: date, late: set[int], skip: set[int]) -> dict[int, dict[int, tuple[Decimal, str]]]:
    """Each school's submitted self-inspection (the schools in `skip` none; those in `late` after the
    deadline); the school rates itself generously. Returns the answers by school and item."""
    answers: dict[int, dict[int, tuple[Decimal, str]]] = {}
    inspections, scores = [], []
    for entry in entries:
        if entry.school_id in skip:
            continue
        mine = {item.id: _answer(item, rng, 0.95) for item in tree.items.values()}
        answers[entry.school_id] = mine
        for item_id, (value, choice) in mine.items():
            scores.append(Score(campaign=campaign, school_id=entry.school_id, indicator_id=item_id, kind=ScoreKind.SELF,
                                value=value, choice=choice))
        item_scores = {item_id: scoring.item_score(tree.items[item_id], scoring.Answer(value, choice))
                       for item_id, (value, choice) in mine.items()}
        day = deadline + timedelta(days=rng.randint(1, 4)) if entry.school_id in late else deadline - timedelta(days=rng.randint(0, 6))
        inspections.append(SelfInspection(campaign=campaign, school_id=entry.school_id, state=SelfInspectionState.SUBMITTED,
                                          report=SELF_REPORT, self_total=scoring.totals(tree, item_scores),
                                          submitted_at=_at(day, 9 + rng.randint(0, 8))))
    SelfInspection.objects.bulk_create(inspections)
    Score.objects.bulk_create(scores, batch_size=2000)
    return answers


def _onsite_rows(campaign: Campaign, tree: scoring.Tree, entries: list[CampaignSchool], rng: random.Random,
                 self_answers: dict[int, dict[int, tuple[Decimal, str]]], *, raters: int, good: float,
                 slips: dict[int, int], notes: list[str], agree: float = 0.9) -> None:
    """The raters' on-site scores (kind onsite) of each allocated school: the team's leader and the
    next members. Where the school slipped (`slips`: school → number of items), the raters agree on
    a poor answer with a note, so a self "是" meets a verified "否" (a discrepancy and a problem)."""
    members: dict[int, list[int]] = {}
    for m in TeamMember.objects.filter(team__campaign=campaign).order_by("team_id", "-is_leader", "id"):
        members.setdefault(m.team_id, []).append(m.user_id)
    items = list(tree.items.values())
    rows = []
    for entry in entries:
        if entry.team_id is None:
            continue
        bad = set(rng.sample([i.id for i in items], min(slips.get(entry.school_id, 0), len(items))))
        for item in items:
            own = self_answers.get(entry.school_id, {}).get(item.id)
            if item.id in bad:
                value, choice = (Decimal(0), "no") if item.scoring == scoring.YES_NO else (
                    scoring.q2((item.max_score or Decimal(10)) * Decimal("0.4")), "")
                if item.scoring == scoring.RUBRIC:
                    choice, value = item.levels[-1]
                note = rng.choice(notes)
            else:
                value, choice = own if own and rng.random() < agree else _answer(item, rng, good)
                if item.scoring == scoring.YES_NO and choice == "no":
                    value, choice = item.max_score or Decimal(1), "yes"  # only the slips fail a yes/no item
                note = ""
            for rater in members[entry.team_id][:raters]:
                rows.append(Score(campaign=campaign, school_id=entry.school_id, indicator_id=item.id, kind=ScoreKind.ONSITE,
                                  rater_id=rater, value=value, choice=choice, note=note))
    Score.objects.bulk_create(rows, batch_size=2000)


def _notify(people: _People, findings: list) -> None:
    """The office sends the rectification notices (整改通知书): the schools see their findings."""
    from dudao.findings.services import finding_transition

    for finding in findings:
        finding_transition(by=people.staff, finding=finding, action="notify")


def _builtin(key: str):
    return Framework.objects.get(builtin_key=key).versions.get(state=VersionState.PUBLISHED)


# --- 暑期有偿补课专项督导 ------------------------------------------------------------------------------------
def _summer(people: _People, rng: random.Random, today: date, school_account_school: int) -> Campaign:
    year = today.year if today >= date(today.year, 9, 1) else today.year - 1
    final = date(year, 9, 8)
    data = {
        "kind": "special", "name": f"{year}年暑期中小学有偿补课治理专项督导", "year": year,
        "framework_version": _builtin("youchang-buke"),
        "purpose": "巩固在职教师有偿补课专项治理成果，核实各单位自查自纠报告情况，稳固整改成效。",
        "basis": "《严禁中小学校和在职中小学教师有偿补课的规定》（教师〔2015〕5号）；市教育局暑期有偿补课治理工作方案。",
        "scope_text": "全市乡镇集镇公办学校、全部市直学校和民办中小学校。",
        "time_text": f"{year}年7月部署，学校7月25日前完成自查自纠；8月4日至23日实地督导。",
        "content": "有偿补课专项治理工作检查表（逐项“是/否”）。",
        "method": "学校自查自纠；督查组现场巡查、走访家长、查阅资料。",
        "staffing": "督导室联合教育局监审、普教、成职幼教科室，分成5个督查组。",
        "requirements": "如实自查，不走过场；发现问题当场反馈，限期整改。",
        "results_use": "督导结果纳入学校年度考核和师德考评，问题清单逐项销号。",
        "notice_date": date(year, 7, 5), "self_deadline": date(year, 7, 25), "onsite_start": date(year, 8, 4),
        "onsite_end": date(year, 8, 23), "preliminary_date": date(year, 8, 28), "defence_deadline": date(year, 9, 3),
        "final_date": final, "rectification_deadline": max(date(year, 10, 31), today + timedelta(days=25)),
    }
    region = Region.objects.get(code=NX)
    spec = ScopeSpec(mode="region", region=region,
                     filters={"kinds": ["primary", "junior", "nine_year", "senior", "complete_secondary", "twelve_year"]})
    campaign = _create(people, data, spec)
    by_section = {}
    for user, section in people.bureau:
        by_section.setdefault(section, []).append(user)
    helpers = [(u, s) for s in ("监审", "普教", "成职幼教") for u in by_section[s][:4 if s == "普教" else 3]]
    helpers.insert(0, (User.objects.get(username=STAFF_MEMBER), "纪检监察"))
    sups = people.supervisors[20:30]
    groups = [[(sups[2 * i], ""), (sups[2 * i + 1], ""), helpers[2 * i], helpers[2 * i + 1]] for i in range(5)]
    _teams(people, campaign, groups)
    campaign = _step(people, campaign, "notify")
    tree = load_tree(campaign.framework_version)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).order_by("school__code"))
    ids = [e.school_id for e in entries if e.school_id != school_account_school]
    skip = set(rng.sample(ids, 3))
    late = set(rng.sample([i for i in ids if i not in skip], 6))
    answers = _self_rows(campaign, tree, entries, rng, data["self_deadline"], late, skip)
    campaign = _step(people, campaign, "start_onsite")
    slipped = [school_account_school] + rng.sample([i for i in ids if i not in skip], 7)
    _onsite_rows(campaign, tree, entries, rng, answers, raters=1, good=0.97,
                 slips={sid: 1 if n else 2 for n, sid in enumerate(slipped)},
                 notes=["走访家长反映有教师暑期在校外培训机构授课，学校台账未体现。", "未见教师签订的承诺书，自查表填“是”与实际不符。",
                        "专项治理台账内容空白，仅有封面。"])
    campaign = _step(people, campaign, "preliminary", "open_defence", "final")
    campaign_results_compute(campaign=campaign, by=people.staff)
    created, _skipped = campaign_findings_create(campaign=campaign, by=people.staff,
                                                 requirement="对照督导反馈逐项整改，对违规教师依规处理，整改情况报督导室。")
    from dudao.findings.models import Finding

    Finding.objects.filter(pk__in=[f.pk for f in created]).update(found_on=min(final, today))
    _notify(people, created)
    return _step(people, campaign, "rectify")


# --- 秋季开学工作专项督导 ------------------------------------------------------------------------------------
def _autumn(people: _People, rng: random.Random, today: date, school_account_school: int) -> Campaign:
    data = {
        "kind": "special", "name": f"{today.year}年秋季开学工作专项督导", "year": today.year,
        "framework_version": _builtin("kaixue-2020"),
        "purpose": "全面检查秋季开学准备和学校安全风险防控，确保平稳有序开学。",
        "basis": "上级关于做好秋季开学工作的通知；宁乡市教育局秋季开学工作方案。",
        "scope_text": "全市中小学校、幼儿园。",
        "time_text": "学校先行自查并上交自查报告；督查组分片实地督导两周。",
        "content": "开学暨学校安全风险防控专项督导检查重点内容。",
        "method": "听取汇报、查阅资料、实地查看、随机访谈，现场反馈。",
        "staffing": "局机关普教、纪检监察、宣教、综治、成职幼教、计财等科室与专兼职督学共72人，分12个督查组，每组设组长1名。",
        "requirements": "严守工作纪律，轻车简从；发现问题当场反馈，重大问题及时报告。",
        "results_use": "督导情况全市通报，问题纳入整改台账。",
        "notice_date": today - timedelta(days=14), "self_deadline": today - timedelta(days=5),
        "onsite_start": today - timedelta(days=2), "onsite_end": today + timedelta(days=12),
        "preliminary_date": today + timedelta(days=16), "defence_deadline": today + timedelta(days=23),
        "final_date": today + timedelta(days=28), "rectification_deadline": today + timedelta(days=60),
        "summary_date": today + timedelta(days=75),
    }
    spec = ScopeSpec(mode="region", region=Region.objects.get(code=NX), filters={})
    campaign = _create(people, data, spec)
    # 12 groups of 6 = 72: a leader (a supervisor), two more supervisors, three bureau staff.
    sups = [u for u in people.supervisors if u.username != "nx_supervisor"]
    leader = User.objects.get(username=TEAM_LEADER)
    sups = [leader] + [u for u in sups if u.pk != leader.pk]
    staff = [(u, s) for u, s in people.bureau if u.username != STAFF_MEMBER]
    staff.insert(0, (User.objects.get(username=STAFF_MEMBER), "纪检监察"))
    staff = staff[:36]
    groups = [[(sups[3 * i], ""), (sups[3 * i + 1], ""), (sups[3 * i + 2], ""), *staff[3 * i:3 * i + 3]] for i in range(12)]
    groups[1][1] = (User.objects.get(username="nx_supervisor"), "")  # the demo supervisor inspects too
    _teams(people, campaign, groups, bulk=True)
    campaign = _step(people, campaign, "notify")
    tree = load_tree(campaign.framework_version)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).order_by("school__code"))
    ids = [e.school_id for e in entries]
    # the demo school has not submitted yet: its account finds a live self-inspection form
    skip = {school_account_school} | set(rng.sample(ids, 8))
    late = set(rng.sample([i for i in ids if i not in skip], 10))
    answers = _self_rows(campaign, tree, entries, rng, data["self_deadline"], late, skip)
    campaign = _step(people, campaign, "start_onsite")
    # the first two days: each group has seen its first school
    first: dict[int, CampaignSchool] = {}
    for e in entries:
        if e.team_id and e.team_id not in first and e.school_id != school_account_school:
            first[e.team_id] = e
    _onsite_rows(campaign, tree, list(first.values()), rng, answers, raters=1, good=0.97,
                 slips={e.school_id: 1 for e in list(first.values())[:3]},
                 notes=["校门口护栏缺失，上下学时段无护学岗。", "食堂从业人员健康证过期。"])
    return campaign


# --- 综合督导评估 ------------------------------------------------------------------------------------------
ROUND_TREE = [
    ("A1", "", "办学方向", None, 20, False), ("C1", "A1", "党建引领：党组织领导的校长负责制落实，“三会一课”规范", "points", 10, False),
    ("C2", "A1", "立德树人：德育工作体系健全，思政课开齐上好", "points", 10, False),
    ("A2", "", "课程教学", None, 25, False), ("C3", "A2", "开齐开足国家课程，课表与实际一致", "points", 10, False),
    ("C4", "A2", "课堂教学规范，教研活动常态开展", "points", 8, False),
    ("C5", "A2", "作业总量与时长符合“双减”要求，有公示", "points", 7, False),
    ("A3", "", "教师发展", None, 20, False), ("C6", "A3", "师德师风建设，无有偿补课等违规行为", "points", 10, False),
    ("C7", "A3", "教师培训学时达标，校本研修有记录", "points", 10, False),
    ("A4", "", "学生发展", None, 20, False), ("C8", "A4", "体质健康测试达标，每天校园体育活动一小时", "points", 10, False),
    ("C9", "A4", "艺术教育：音乐美术课开足，学生艺术活动普及", "points", 10, False),
    ("A5", "", "安全保障", None, 15, False), ("C10", "A5", "安全管理制度健全，应急演练每学期不少于两次", "points", 10, False),
    ("C11", "A5", "本评估周期内无重大安全责任事故", "yes_no", 5, True),
]


def _round_framework(people: _People):
    from dudao.frameworks.services import Band, framework_copy, version_publish, version_replace_tree

    framework = framework_copy(by=people.staff, source=Framework.objects.get(builtin_key="hainan-school-quality"),
                               owner=people.office, name="宁乡市义务教育学校办学质量督导评估指标（据海南省指标体系改编）")
    version = framework.versions.get()
    rows = [{"code": code, "parent_code": parent, "text": text, "scoring": kind or "", "max_score": points, "is_veto": veto,
             "evidence": ["相关制度、台账、记录"] if kind else []}
            for code, parent, text, kind, points, veto in ROUND_TREE]
    version_replace_tree(by=people.staff, version=version, rows=rows, bands=[
        Band("优秀", Decimal(90)), Band("良好", Decimal(80)), Band("合格", Decimal(60)), Band("不合格", Decimal(0))])
    version.total_score = Decimal(100)
    version.note = "据海南省义务教育学校办学质量督导评价指标体系改编：保留一级指标框架，补齐分值至百分制，增设安全一票否决项。"
    version.save(update_fields=["total_score", "note", "updated_at"])
    return version_publish(by=people.staff, version=version)


def _round(people: _People, rng: random.Random, today: date, school_account_school: int) -> Campaign:
    version = _round_framework(people)
    data = {
        "kind": "comprehensive", "name": f"{today.year}年全面实施素质教育中小学校督导评估", "year": today.year,
        "framework_version": version,
        "purpose": "系统乡镇管理体制改革后的第一轮学校督导评估：以评促建，推动学校全面实施素质教育。",
        "basis": "《义务教育质量评价指南》；宁乡市全面实施素质教育中小学校督导评估方案。",
        "scope_text": "按办学类型分层随机抽取义务教育学校。",
        "time_text": "学校自评，督查组与第三方评估机构实地评估，反馈意见，整改复查，总结通报。",
        "content": "宁乡市义务教育学校办学质量督导评估指标（百分制，安全一票否决）。",
        "method": "学校自评；实地查看、查阅资料、听课、问卷和座谈；第三方评估机构独立评估。",
        "staffing": f"专兼职督学两个督查组；委托{EVALUATOR_ORG}组成第三方评估组。",
        "requirements": "实事求是，严格标准，不走过场。",
        "results_use": "评估结果全市排名通报，作为学校年度考核和校长考评的重要依据；问题纳入整改台账。",
        "notice_date": today - timedelta(days=45), "self_deadline": today - timedelta(days=30),
        # the third party's contract window: on-site evaluation, then the report, until a week from today
        "onsite_start": today - timedelta(days=21), "onsite_end": today + timedelta(days=7),
        "defence_deadline": today + timedelta(days=7), "rectification_deadline": today + timedelta(days=37),
    }
    region = Region.objects.get(code=NX)
    spec = ScopeSpec(mode="sample", region=region, filters={"kinds": ["primary", "junior", "nine_year"]},
                     sample_size=18, strata="kind", seed=20230901)
    campaign = _create(people, data, spec)
    CampaignSchool.objects.get_or_create(campaign=campaign, school_id=school_account_school)  # the demo school is drawn too
    evaluator = User.objects.get(username="evaluator")
    sups = people.supervisors[40:46]
    groups = [[(u, "") for u in sups[:3]], [(u, "") for u in sups[3:6]], [(evaluator, EVALUATOR_ORG)]]
    _teams(people, campaign, groups)
    campaign = _step(people, campaign, "notify")
    tree = load_tree(campaign.framework_version)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).order_by("school__code"))
    ids = [e.school_id for e in entries]
    answers = _self_rows(campaign, tree, entries, rng, data["self_deadline"], set(rng.sample(ids, 2)), set())
    campaign = _step(people, campaign, "start_onsite")
    # one school failed the safety veto; some lost marks on a few items (notes are the problems)
    others = [i for i in ids if i != school_account_school]
    veto_school = others[0]
    slips = {sid: rng.randint(1, 2) for sid in rng.sample(others[1:], 5)}
    slips[school_account_school] = 1
    _onsite_rows(campaign, tree, entries, rng, answers, raters=2, good=0.8, slips=slips, agree=0.2,
                 notes=["查阅课表与实际不符，音乐课被挤占。", "作业公示制度未落实。", "应急演练记录不全。"])
    veto_item = next(i for i in tree.items.values() if i.is_veto)
    Score.objects.filter(campaign=campaign, school_id=veto_school, indicator_id=veto_item.id, kind=ScoreKind.ONSITE).update(
        value=Decimal(0), choice="no", note="本学期发生学生校内溺水安全责任事故，一票否决。")
    campaign = _step(people, campaign, "preliminary", "open_defence", "final")
    campaign_results_compute(campaign=campaign, by=people.staff)
    created, _skipped = campaign_findings_create(campaign=campaign, by=people.staff)
    _notify(people, created)
    return _step(people, campaign, "rectify", "reinspect", "summarize")


# --- awaiting the leader's approval ---------------------------------------------------------------------
def _pending(people: _People, today: date) -> Campaign:
    """A plan the office has sent for approval (送审): the leader's first task in the demo."""
    data = {
        "kind": "special", "name": f"{today.year + 1}年春季学期学校食堂食品安全专项督导", "year": today.year + 1,
        "framework_version": _builtin("shitang"),
        "purpose": "排查学校食堂食品安全风险，落实校长（园长）陪餐和食品安全主体责任。",
        "basis": "《学校食品安全与营养健康管理规定》。", "scope_text": "全市有食堂的中小学校。",
        "method": "学校自查；督查组实地查看食堂、查阅台账。", "results_use": "督导结果全市通报，问题限期整改。",
        "notice_date": today + timedelta(days=10), "self_deadline": today + timedelta(days=24),
        "onsite_start": today + timedelta(days=30), "onsite_end": today + timedelta(days=40),
    }
    campaign = campaign_create(by=people.staff, office=people.office, data=data)
    spec = ScopeSpec(mode="region", region=Region.objects.get(code=NX), filters={"kinds": ["junior", "nine_year", "senior", "complete_secondary"]})
    campaign_scope_apply(by=people.staff, campaign=campaign, spec=spec)
    return campaign_transition(by=people.staff, campaign=campaign, action="submit")


@transaction.atomic
def build_ningxiang_campaigns(seed: int = 9, today: date | None = None) -> int:
    """The three campaigns of the 宁乡 office; idempotent (0 the second time)."""
    office = Office.objects.get(region__code=NX)
    if Campaign.objects.filter(office=office).exclude(kind="government").exists():  # 督政 is demo/governance.py's
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    school = RoleGrant.objects.get(user__username="nx_school", role=Role.SCHOOL_USER).schools.get().pk
    people = _people(rng)
    built = [_summer(people, rng, today, school), _autumn(people, rng, today, school), _round(people, rng, today, school),
             _pending(people, today)]
    return len(built)


def campaign_accounts() -> list[tuple[str, str, str, str]]:
    """(username, full name, role, scope) of the campaigns' accounts the demo prints (after
    `build_ningxiang_campaigns`)."""
    leader = User.objects.get(username=TEAM_LEADER)
    staff = User.objects.get(username=STAFF_MEMBER)
    autumn = Campaign.objects.filter(office__region__code=NX, name__contains="秋季开学").first()
    name = autumn.name if autumn else "秋季开学工作专项督导"
    return [
        (TEAM_LEADER, leader.full_name, str(Role.SUPERVISOR.label), f"{name} 第一组组长；本人挂牌学校"),
        (STAFF_MEMBER, staff.full_name, "机关工作人员", "纪检监察科；暑期有偿补课、秋季开学两个督查组的成员（无督学档案）"),
    ]
