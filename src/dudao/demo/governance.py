"""The demo's 督政 (issue [10] item 1): the 宁乡 office's government units from the region tree and a
教育强镇督导验收 campaign on four 宁乡 townships with one team, in its preliminary-opinion phase:

- the first township's self-assessment (nx_zhenzf, the printed 政府单位用户) and the second's were
  submitted before the deadline; the other two never were (the office's late list);
- the first township was scored on site by the team (leader nx_zuzhang, member nx_jijian), has its
  督导意见书, and its problems are findings in the ledger, notified — what nx_zhenzf must rectify now.

Everything goes through the services the pages call; idempotent (nothing the second time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignKind, Team
from dudao.campaigns.services import campaign_create, campaign_transition
from dudao.campaigns.teams import team_create, team_member_add
from dudao.frameworks.models import Framework, VersionState
from dudao.governance import services
from dudao.governance.models import CampaignUnit, GovernmentUnit
from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office, Region

NX = "430182"
GOV_USER = "nx_zhenzf"
CAMPAIGN_NAME = "教育强镇督导验收"
TOWNS = 4
# the answers of the first township, by indicator code: (self, leader on site, member on site)
SCORES = {
    "1.1": ("4", "4", "3.5"), "1.2": ("4", "3", "3"), "1.3": ("3", "3", "3"),
    "2.1": ("8", "5", "4"), "2.2": ("8", "8", "8"), "2.3": ("7", "6", "5"),
    "3.1": ("6", "5", "5"), "3.2": ("6", "6", "6"), "3.3": ("4", "2", "1"),
    "4.1": ("6", "5", "5"), "4.2": ("8", "8", "7"), "4.3": ("7", "7", "7"),
    "5.1": ("7", "6", "6"), "5.2": ("7", "4", "3"), "6.1": ("8", "7", "7"), "6.2": ("7", "6", "6"),
}
SELF_REPORT = {
    "report_overview": "{town}位于宁乡市，辖若干行政村，现有公办幼儿园、小学和初中若干所。",
    "report_work": "（一）履行职责，创建教育强镇：成立创强领导小组，镇党委书记任组长。\n"
                   "（二）整合教育资源，促进义务教育均衡：完成学校布局调整。\n（三）加强队伍建设：落实教师待遇。",
    "report_shortfalls": "部分村小教学装备陈旧；教师培训经费拨付不及时。",
    "report_result": "对照督导验收指标逐项自评，自评得分见各项指标。",
}


def _at(day: date, hour: int = 10) -> datetime:
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now())


def _town_units(office: Office) -> list[GovernmentUnit]:
    services.units_from_regions(by=None, office=office)
    towns = Region.objects.filter(parent=office.region, name__endswith="镇").order_by("code")[:TOWNS]
    return [GovernmentUnit.objects.get(region=r, name=services.government_name(r)) for r in towns]


def _unit_account(username: str, unit: GovernmentUnit, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": f"{unit.name}·办公室"})
    user.password = password_hash
    user.save(update_fields=["password"])
    if not RoleGrant.objects.filter(user=user, role=Role.GOVERNMENT_USER).exists():
        RoleGrant.objects.create(user=user, role=Role.GOVERNMENT_USER, government_unit=unit)
    return user


def _self(entry: CampaignUnit, user: User, answers: dict, submitted: datetime) -> None:
    items = {i.code: i.pk for i in entry.campaign.framework_version.indicators.all()}
    services.self_save(by=user, entry=entry, sections={k: v.format(town=entry.unit.region.name) for k, v in SELF_REPORT.items()},
                       answers={items[code]: services.AnswerIn(value=value) for code, value in answers.items()})
    services.self_submit(by=user, entry=entry)
    CampaignUnit.objects.filter(pk=entry.pk).update(submitted_at=submitted)


def build_ningxiang_governance(*, password: str, today: date | None = None) -> Campaign | None:
    """The 督政 campaign of the 宁乡 office (accounts with the demo's `password`); None when it exists already."""
    office = Office.objects.get(region__code=NX)
    if Campaign.objects.filter(office=office, kind=CampaignKind.GOVERNMENT).exists():
        return None
    today = today or timezone.localdate()
    staff, leader = User.objects.get(username="nx_office"), User.objects.get(username="nx_leader")
    units = _town_units(office)
    from django.contrib.auth.hashers import make_password

    hashed = make_password(password)
    accounts = [_unit_account(GOV_USER, units[0], hashed)] + [
        _unit_account(f"nx_zf{i:02d}", unit, hashed) for i, unit in enumerate(units[1:], start=2)]
    version = Framework.objects.get(builtin_key="jiaoyu-qiangzhen").versions.get(state=VersionState.PUBLISHED)
    campaign = campaign_create(by=staff, office=office, data={
        "kind": CampaignKind.GOVERNMENT, "name": f"{today.year}年{CAMPAIGN_NAME}", "year": today.year,
        "framework_version": version, "purpose": "推动乡镇人民政府履行教育职责，督促创建教育强镇。",
        "basis": "根据《教育督导条例》和《宁乡市教育强镇督导验收实施方案》。",
        "method": "乡镇自评，督导组听取汇报、查阅资料、实地查看、座谈访谈。",
        "notice_date": today - timedelta(days=40), "self_deadline": today - timedelta(days=25),
        "onsite_start": today - timedelta(days=20), "onsite_end": today - timedelta(days=5),
        "defence_deadline": today + timedelta(days=10), "rectification_deadline": today + timedelta(days=60)})
    services.campaign_units_set(by=staff, campaign=campaign, units=units)
    team: Team = team_create(campaign=campaign, name="督政第一组", by=staff)
    team_member_add(team=team, user=User.objects.get(username="nx_zuzhang"), by=None, is_leader=True)
    team_member_add(team=team, user=User.objects.get(username="nx_jijian"), by=None, section="纪检监察")
    for entry in CampaignUnit.objects.filter(campaign=campaign):
        services.unit_team_set(by=staff, entry=entry, team=team)
    campaign_transition(by=staff, campaign=campaign, action="submit")
    campaign_transition(by=leader, campaign=campaign, action="approve", note="同意按实施方案组织实施。")
    campaign_transition(by=staff, campaign=campaign, action="notify")
    entries = {e.unit_id: e for e in CampaignUnit.objects.filter(campaign=campaign).select_related("campaign", "unit")}
    first, second = entries[units[0].pk], entries[units[1].pk]
    _self(first, accounts[0], {code: s for code, (s, _a, _b) in SCORES.items()}, _at(today - timedelta(days=27)))
    _self(second, accounts[1], {code: "5" if code.startswith(("2", "4")) else "3" for code in SCORES},
          _at(today - timedelta(days=26), 15))
    campaign_transition(by=staff, campaign=campaign, action="start_onsite")
    items = {i.code: i.pk for i in version.indicators.all()}
    for user, column in ((User.objects.get(username="nx_zuzhang"), 1), (User.objects.get(username="nx_jijian"), 2)):
        services.onsite_save(by=user, entry=first, answers={
            items[code]: services.AnswerIn(value=row[column], note="村小装备陈旧，多媒体设备不能正常使用" if code == "5.2" and column == 1 else "")
            for code, row in SCORES.items()})
    campaign_transition(by=staff, campaign=campaign, action="preliminary")
    first.refresh_from_db()
    # the 发文字号 comes from the document engine at 签发 (governance/documents.py)
    services.opinion_save(by=staff, entry=first, data={
        name: getattr(services.opinion_draft(first), name) for name in services.OPINION_FIELDS})
    from dudao.findings.services import finding_transition

    created, _skipped = services.findings_register(by=staff, entry=first)
    for finding in created:
        finding_transition(by=staff, finding=finding, action="notify", note="随督导意见书下发")
    return campaign


def governance_accounts() -> list[tuple[str, str, str, str]]:
    """(username, full name, role, scope) of the 督政 account the demo prints."""
    user = User.objects.get(username=GOV_USER)
    unit = RoleGrant.objects.get(user=user, role=Role.GOVERNMENT_USER).government_unit
    return [(GOV_USER, user.full_name, str(Role.GOVERNMENT_USER.label),
             f"{unit.name}：{CAMPAIGN_NAME}的自评报告、督导意见书和本单位整改问题（看不到学校）")]
