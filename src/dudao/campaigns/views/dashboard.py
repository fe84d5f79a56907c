"""The campaign dashboard (看板), its Excel, and the summary page (总结) — reads of
campaigns/dashboard.py, which the API shares (api/campaign_dashboard.py).

Who: the campaign's office and the offices above (staff and leaders) and admins; anyone else who
reads the campaign gets 403, the rest 404 (`selectors.access_campaign`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dudao.campaigns import dashboard as reads
from dudao.campaigns.selectors import access_campaign
from dudao.core.charts import bar_chart, points_map
from dudao.core.excel import xlsx_sheets_response


def _office_campaign(request: HttpRequest, pk: int):
    campaign = access_campaign(request.user, pk)
    if not reads.may_read_dashboard(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室及上级督导室可以查看督导项目看板。"))
    return campaign


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    teams, total = reads.team_rows(campaign)
    grades = reads.distribution(campaign, total)
    team = str(request.GET.get("team", ""))[:12]
    page, schools = reads.school_page(campaign, page=request.GET.get("page"), team=team)
    labels = reads.grade_labels(campaign)
    return render(request, "campaigns/dashboard.html", {
        "campaign": campaign, "phases": reads.phase_rows(campaign), "teams": teams, "total": total,
        "grades": grades, "grade_labels": labels, **_map(campaign, labels, total.schools),
        "grade_chart": bar_chart(_("核查总分等级分布"), grades, _("学校数")) if grades else None,
        "weakest": reads.weakest_items(campaign), "page": page, "schools": schools, "team": team,
        "query": {"team": team} if team else {}, "kept_seconds": reads.cache_seconds(),
        "results_at": total.computed_at,
    })


def _map(campaign, labels: list[str], schools: int) -> dict:
    """The map section: the schools with coordinates coloured by grade on the scope's outline."""
    data = reads.school_points(campaign, labels)
    outline = reads.map_outline(campaign)
    option = points_map(_("%(name)s学校分布") % {"name": campaign.name}, data["points"], data["pieces"]) \
        if data["points"] else None
    return {"school_map": option, "map_shown": data["shown"], "map_capped": data["located"] > data["shown"],
            "map_unlocated": schools - data["located"], "geo_code": outline["code"], "geo_only": outline["only"],
            "geo_base": static("vendor/geo/")}


def _weakest_sheet(campaign) -> tuple[str, list[str], list[list]]:
    headers = [_("序号"), _("指标编号"), _("指标内容"), _("满分"), _("参评学校数"), _("平均核查得分"), _("得分率")]
    rows = [[n, r["code"], r["text"], float(r["max_score"]), r["schools"], float(r["mean"]), float(r["ratio"])]
            for n, r in enumerate(reads.weakest_items(campaign), start=1)]
    return _("薄弱指标"), headers, rows


@login_required
@require_GET
def dashboard_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The team summary, the grade distribution and the weakest items: the page's figures."""
    campaign = _office_campaign(request, pk)
    headers, body = reads.team_sheet(campaign)
    _teams, total = reads.team_rows(campaign)
    grades = reads.distribution(campaign, total)
    notes = [_("%(name)s：督查组进度汇总、等级分布和薄弱指标。") % {"name": campaign.name},
             _("平均核查总分：已定等学校核查总分的平均值（保留两位小数）。"),
             _("得分率：各校该项核查得分的平均值除以该项满分，取自最近一次计算结果时的评分。"),
             _("各校逐项得分请在“督导结果”页导出。")]
    return xlsx_sheets_response(f"{campaign.name}-看板.xlsx", [
        (_("督查组汇总"), headers, body),
        (_("等级分布"), [_("等级"), _("学校数")], [list(g) for g in grades]),
        _weakest_sheet(campaign),
    ], notes=notes)


@login_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    s = reads.summary(campaign)
    return render(request, "campaigns/dashboard_summary.html", {"campaign": campaign, "s": s,
                                                                "kept_seconds": reads.cache_seconds(),
                                                                "results_at": s["results_at"]})
