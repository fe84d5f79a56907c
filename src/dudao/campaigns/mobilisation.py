"""The mobilisation sheet (动员部署表) of a campaign: teams, members with section and phone, the
leader, their schools with township, the on-site dates and the contacts.

One builder, three outputs that cannot disagree: the printable page and the PDF render the rows
of `mobilisation_sheet`, the Excel writes the same rows with the team's name in front.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dudao.campaigns.models import Campaign, Team
from dudao.campaigns.teams import allocation_rows, team_list


@dataclass
class SheetTeam:
    team: Team
    leader: str
    leader_phone: str
    member_rows: list[list[str]] = field(default_factory=list)
    school_rows: list[list[str]] = field(default_factory=list)


@dataclass
class Sheet:
    campaign: Campaign
    teams: list[SheetTeam]
    unallocated: list[list[str]]
    window: str
    office_phone: str
    school_count: int
    member_count: int


def member_headers() -> list[str]:
    return [_("职务"), _("姓名"), _("身份"), _("科室/单位"), _("联系电话")]


def school_headers() -> list[str]:
    return [_("序号"), _("学校名称"), _("学校标识码"), _("所在乡镇"), _("校长（园长）"), _("学校电话")]


def _window(campaign: Campaign) -> str:
    start, end = campaign.onsite_start, campaign.onsite_end
    if start and end:
        return f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"
    return _("（未定）")


def mobilisation_sheet(campaign: Campaign) -> Sheet:
    entries = allocation_rows(campaign=campaign)
    by_team: dict[int, list] = {}
    unallocated = []
    for entry in entries:
        if entry.team_id:
            by_team.setdefault(entry.team_id, []).append(entry)
        else:
            unallocated.append(entry)

    def school_row(n: int, e) -> list[str]:
        s = e.school
        return [str(n), s.name, s.code, e.township_name, s.head_name, s.phone]

    teams = []
    members = 0
    for team in team_list(campaign=campaign):
        people = sorted(team.members.all(), key=lambda m: (not m.is_leader, m.pk))
        leader = next((m for m in people if m.is_leader), None)
        members += len(people)
        teams.append(SheetTeam(
            team=team, leader=leader.user.display_name if leader else "", leader_phone=leader.phone if leader else "",
            member_rows=[[_("组长") if m.is_leader else _("组员"), m.user.display_name, m.get_kind_display(), m.section, m.phone]
                         for m in people],
            school_rows=[school_row(n, e) for n, e in enumerate(by_team.get(team.pk, []), start=1)],
        ))
    return Sheet(campaign=campaign, teams=teams, unallocated=[school_row(n, e) for n, e in enumerate(unallocated, start=1)],
                 window=_window(campaign), office_phone=campaign.office.phone, school_count=len(entries), member_count=members)


def sheet_workbook_sheets(sheet: Sheet) -> list[tuple[str, list[str], list[list[str]]]]:
    """The Excel's sheets: members and schools, each row the page's row with the team in front."""
    members = [[t.team.name, *row] for t in sheet.teams for row in t.member_rows]
    schools = [[t.team.name, *row] for t in sheet.teams for row in t.school_rows]
    schools += [[_("未分配"), *row] for row in sheet.unallocated]
    return [(_("督查组成员"), [_("组别"), *member_headers()], members),
            (_("督导学校"), [_("组别"), *school_headers()], schools)]


def sheet_notes(sheet: Sheet) -> list[str]:
    c = sheet.campaign
    return [c.name, _("组织单位：%(office)s　联系电话：%(phone)s") % {"office": c.office.name, "phone": sheet.office_phone or "—"},
            _("实地督导时间：%(window)s") % {"window": sheet.window},
            _("督查组 %(teams)s 个，成员 %(members)s 人，学校 %(schools)s 所。")
            % {"teams": len(sheet.teams), "members": sheet.member_count, "schools": sheet.school_count}]
