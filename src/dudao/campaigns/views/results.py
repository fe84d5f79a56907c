"""Results pages: the ranking table (whole campaign or one region), one school's self vs verified
side by side with the discrepancy flags, the Excel of every school's item scores, and the office's
two actions (compute the results, turn the problems into findings).

Who (campaigns/access.py, campaigns/selectors.py): the ranking and the export — the campaign's office and the
offices above, admins (others who see the campaign: 403; the rest: 404); a school's page — the
office, the school's own account once the results are published, the members of its team.
Pages read the stored `SchoolResult` rows; the school page and the export evaluate the stored
scores in one query (no N+1).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.campaigns.access import may_manage_campaign, sees_whole_campaign
from dudao.campaigns.models import CampaignSchool, SchoolResult
from dudao.campaigns.onsite import onsite_photos_by_item
from dudao.campaigns.results import (
    campaign_findings_create,
    campaign_results_compute,
    evaluate,
    load_tree,
    ranking_rows,
    region_choices,
    school_outcome,
    stream_answers,
)
from dudao.campaigns.selectors import access_campaign, result_schools
from dudao.core.errors import joined_messages
from dudao.core.excel import xlsx_response
from dudao.documents.access import may_draft


def _office_campaign(request: HttpRequest, pk: int):
    campaign = access_campaign(request.user, pk)
    if not sees_whole_campaign(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室及上级督导室可以查看全部学校的结果。"))
    return campaign


@login_required
@require_GET
def result_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school"))
    regions = region_choices(entries)
    region = request.GET.get("region", "")
    if region and region not in dict(regions):
        region = ""
    rows = ranking_rows(campaign, region)
    graded = [r["result"] for r in rows if r["result"] and r["result"].grade]
    grades: dict[str, int] = {}
    for result in graded:
        grades[result.grade] = grades.get(result.grade, 0) + 1
    return render(request, "campaigns/result_list.html", {
        "campaign": campaign, "rows": rows, "regions": regions, "region": region,
        "grades": sorted(grades.items()), "computed_at": max((r.computed_at for r in graded if r.computed_at), default=None),
        "may_manage": may_manage_campaign(request.user, campaign),
    })


def _number(value):
    """Decimals as Excel numbers (the page shows the same figure to 0.01)."""
    return float(value) if value is not None else None


def export_sheet(campaign, region: str = "") -> tuple[list[str], list[list]]:
    """Every school's item scores (self and verified per item) and totals, in the ranking's order:
    one query for the results, one streamed query for the scores."""
    tree = load_tree(campaign.framework_version)
    rows = ranking_rows(campaign, region)
    outcomes = {sid: evaluate(tree, campaign, answers) for sid, answers in stream_answers(campaign)}
    items = list(tree.items.values())
    headers = [_("名次"), _("区域内名次"), _("学校"), _("学校标识码"), _("督查组"), _("自评总分"), _("核查总分"), _("等级"),
               _("一票否决"), _("差异项数")]
    for item in items:
        headers += [_("%(code)s 自评") % {"code": item.code}, _("%(code)s 核查") % {"code": item.code}]
    body = []
    for row in rows:
        result, school = row["result"], row["school"]
        line = [result.rank if result else None, row["region_rank"], school.name, school.code,
                row["entry"].team.name if row["entry"].team else "",
                _number(result.self_total) if result else None, _number(result.verified_total) if result else None,
                result.grade if result else "", (_("是") if result.vetoed else _("否")) if result else "",
                result.flag_count if result else 0]
        outcome = outcomes.get(school.pk)
        per_item = {r.item.id: r for r in outcome.items} if outcome else {}
        for item in items:
            r = per_item.get(item.id)
            line += [_number(r.self_score) if r else None, _number(r.verified) if r else None]
        body.append(line)
    return headers, body


@login_required
@require_GET
def result_export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    region = request.GET.get("region", "")
    headers, body = export_sheet(campaign, region)
    notes = [_("%(name)s：各校逐项自评与核查得分。") % {"name": campaign.name},
             _("核查得分按本项目的多人评分汇总方式（%(rule)s）计算；复查得分优先。") % {"rule": campaign.get_aggregation_display()},
             _("名次：同分同名次，下一名次顺延（1、2、2、4）；一票否决的学校排在其他学校之后。")]
    return xlsx_response(f"{campaign.name}-结果.xlsx", _("各校得分"), headers, body, notes=notes)


@login_required
@require_GET
def result_school(request: HttpRequest, pk: int, school_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    entry = result_schools(request.user, campaign).select_related("school", "team").filter(school_id=school_id).first()
    if entry is None:
        raise Http404
    tree = load_tree(campaign.framework_version)
    outcome, answers = school_outcome(campaign, school_id, tree)
    flags = {f.indicator: f for f in outcome.flags}
    rows = [{"r": r, "flag": flags.get(r.item.id), "notes": answers.notes.get(r.item.id, []),
             "self_note": ""} for r in outcome.items]
    from dudao.campaigns.models import Score, ScoreKind

    self_notes = dict(Score.objects.filter(campaign=campaign, school_id=school_id, kind=ScoreKind.SELF)
                      .exclude(note="").values_list("indicator_id", "note"))
    # the raters' photos per item (on-site evidence), for the office only: the school reads no visit photos
    photos = onsite_photos_by_item(campaign, school_id) if sees_whole_campaign(request.user, campaign) else {}
    for row in rows:
        row["self_note"] = self_notes.get(row["r"].item.id, "")
        row["photos"] = photos.get(row["r"].item.id, [])
    return render(request, "campaigns/result_school.html", {
        "campaign": campaign, "entry": entry, "school": entry.school, "outcome": outcome, "rows": rows,
        "stored": SchoolResult.objects.filter(campaign=campaign, school_id=school_id).first(),
        "office": sees_whole_campaign(request.user, campaign),
        # the buttons that draft the school's 督导报告, 督导意见书 and 自评报告 (views/documents.py)
        "may_draft_documents": not campaign.is_government and may_draft(request.user, campaign.office),
    })


def _manager_post(request: HttpRequest, pk: int):
    campaign = access_campaign(request.user, pk)
    if not may_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室的工作人员可以执行此操作。"))
    return campaign


@login_required
@require_POST
def result_compute(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _manager_post(request, pk)
    report = campaign_results_compute(campaign=campaign, by=request.user)
    messages.success(request, _("已计算 %(n)s 所学校的结果：定等 %(g)s 所，一票否决 %(v)s 所，存在自评差异 %(f)s 所。") % {
        "n": report.schools, "g": report.graded, "v": report.vetoed, "f": report.flagged})
    return redirect("campaigns:result_list", pk=campaign.pk)


@login_required
@require_POST
def result_findings(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _manager_post(request, pk)
    deadline = None
    if request.POST.get("deadline"):
        try:
            deadline = date.fromisoformat(request.POST["deadline"])
        except ValueError:
            messages.error(request, _("整改期限格式不正确。"))
            return redirect("campaigns:result_list", pk=campaign.pk)
    try:
        created, skipped = campaign_findings_create(campaign=campaign, by=request.user, deadline=deadline,
                                                    requirement=request.POST.get("requirement", ""))
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("campaigns:result_list", pk=campaign.pk)
    messages.success(request, _("已登记整改问题 %(n)s 条（已在台账中的 %(s)s 条未重复登记）。") % {"n": len(created), "s": skipped})
    return redirect("campaigns:result_list", pk=campaign.pk)
