"""自查自纠 pages: the school's form (answers, notes, evidence, report; save a draft or submit) and
the office's view (every school's state, reopen with a reason, the late list).

Who: the form, its evidence uploads and deletions — the school's own account (a school account
that sees the campaign but asks for another school: 404; anyone else who sees the campaign: 403;
the rest: 404). The office pages — the campaign's office and the offices above, admins (reopen:
staff only). The services ask the same rules (campaigns/self_inspection.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.campaigns import self_inspection as si
from dudao.campaigns.access import may_manage_campaign, sees_whole_campaign
from dudao.campaigns.models import CampaignEvidence, CampaignSchool, ScoreKind, SelfInspection
from dudao.campaigns.selectors import access_campaign
from dudao.core.downloads import stored_file_response
from dudao.core.errors import error_dict


def _own_school(request: HttpRequest, campaign) -> int:
    """The school the account fills the form for (`?school=` when it holds several)."""
    mine = si.self_inspection_schools(request.user, campaign)
    if not mine:
        raise PermissionDenied(_("只有参加本次督导的学校本校账号可以填报自查。"))
    wanted = request.POST.get("school") or request.GET.get("school")
    if wanted:
        try:
            school_id = int(wanted)
        except ValueError:
            raise Http404 from None
        if school_id not in mine:
            raise Http404
        return school_id
    return mine[0]


def _school_names(ids: list[int]) -> list[tuple[int, str]]:
    if len(ids) < 2:
        return []
    from dudao.schools.models import School

    names = dict(School.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(pk, names.get(pk, str(pk))) for pk in ids]


def _posted_answers(request: HttpRequest, sheet: si.SelfSheet) -> dict[int, si.AnswerIn]:
    answers = {}
    for item in sheet.tree.items.values():
        keys = (f"value_{item.id}", f"choice_{item.id}", f"note_{item.id}")
        if not any(k in request.POST for k in keys):
            continue
        answers[item.id] = si.AnswerIn(value=request.POST.get(keys[0]), choice=request.POST.get(keys[1], ""),
                                       note=request.POST.get(keys[2], ""))
    return answers


@login_required
@require_http_methods(["GET", "POST"])
def self_form(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    school_id = _own_school(request, campaign)
    sheet = si.self_sheet(campaign, school_id)
    errors: dict[str, list[str]] = {}
    posted: dict[int, si.AnswerIn] = {}
    if request.method == "POST":
        posted = _posted_answers(request, sheet)
        action = request.POST.get("action", "save")
        try:
            si.self_answers_save(by=request.user, campaign=campaign, school_id=school_id, answers=posted,
                                 report=request.POST.get("report"))
            if action == "submit":
                si.self_inspection_submit(by=request.user, campaign=campaign, school_id=school_id)
                messages.success(request, _("自查已提交。"))
            else:
                messages.success(request, _("已保存草稿。"))
            return redirect(f"{request.path}?school={school_id}")
        except ValidationError as exc:
            errors = error_dict(exc)
            if action == "submit" and not set(errors) - {"__all__", "report"}:
                posted = {}  # the draft was saved: show the stored answers
            sheet = si.self_sheet(campaign, school_id)
    items = []
    for item in sheet.tree.items.values():
        stored = sheet.answers.get(item.id)
        given = posted.get(item.id)
        items.append({
            "item": item,
            "value": given.value if given else (stored.value if stored and not stored.choice else ""),
            "choice": given.choice if given else (stored.choice if stored else ""),
            "note": given.note if given else (stored.note if stored else ""),
            "errors": errors.get(item.code, []),
            "evidence": sheet.evidence.get(item.id, []),
        })
    return render(request, "campaigns/self_form.html", {
        "campaign": campaign, "sheet": sheet, "inspection": sheet.inspection, "items": items,
        "school_id": school_id, "schools": _school_names(si.self_inspection_schools(request.user, campaign)),
        "report": request.POST.get("report", sheet.inspection.report) if errors else sheet.inspection.report,
        "errors": errors.get("__all__", []), "report_errors": errors.get("report", []),
        "general_evidence": sheet.evidence.get(None, []), "open": campaign.state in si.OPEN_STATES,
        "days_left": si.days_to_deadline(campaign),
        "days_late": -(si.days_to_deadline(campaign) or 0),
    })


@login_required
@require_POST
def self_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    school_id = _own_school(request, campaign)
    indicator = request.POST.get("indicator") or None
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            si.self_evidence_add(by=request.user, campaign=campaign, school_id=school_id, upload=upload,
                                 indicator_id=int(indicator) if indicator and indicator.isdigit() else None)
            messages.success(request, _("已上传：%(name)s") % {"name": upload.name})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse_form(campaign.pk)}?school={school_id}")


def reverse_form(pk: int) -> str:
    from django.urls import reverse

    return reverse("campaigns:self_form", args=[pk])


def _evidence(request: HttpRequest, pk: int, evidence_id: int) -> CampaignEvidence:
    """Evidence of a self-inspection: the school's own account, or the campaign's office."""
    campaign = access_campaign(request.user, pk)
    evidence = (CampaignEvidence.objects.select_related("campaign").filter(campaign=campaign, pk=evidence_id,
                                                                           kind=ScoreKind.SELF).first())
    if evidence is None:
        raise Http404
    if not (si.is_school_account(request.user, evidence.school_id) or sees_whole_campaign(request.user, campaign)):
        raise Http404
    return evidence


@login_required
@require_GET
def self_evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, pk, evidence_id)
    return stored_file_response(evidence.file, evidence.content_type, filename=evidence.original_name)


@login_required
@require_POST
def self_evidence_delete(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, pk, evidence_id)
    try:
        si.self_evidence_delete(by=request.user, evidence=evidence)
        messages.success(request, _("已删除：%(name)s") % {"name": evidence.original_name})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse_form(pk)}?school={evidence.school_id}")


def _office_campaign(request: HttpRequest, pk: int):
    campaign = access_campaign(request.user, pk)
    if not sees_whole_campaign(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室及上级督导室可以查看各校自查情况。"))
    return campaign


@login_required
@require_GET
def self_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school").order_by("school__name"))
    inspections = {i.school_id: i for i in SelfInspection.objects.filter(campaign=campaign)}
    evidence = dict(CampaignEvidence.objects.filter(campaign=campaign, kind=ScoreKind.SELF).values("school_id")
                    .annotate(n=Count("id")).values_list("school_id", "n"))
    rows = [{"school": e.school, "inspection": inspections.get(e.school_id), "evidence": evidence.get(e.school_id, 0)}
            for e in entries]
    submitted = sum(1 for r in rows if r["inspection"] and r["inspection"].state == "submitted")
    return render(request, "campaigns/self_list.html", {
        "campaign": campaign, "rows": rows, "submitted": submitted, "may_manage": may_manage_campaign(request.user, campaign),
        "late_count": len(si.late_list(campaign)),
    })


@login_required
@require_POST
def self_reopen(request: HttpRequest, pk: int, school_id: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    if not CampaignSchool.objects.filter(campaign=campaign, school_id=school_id).exists():
        raise Http404
    try:
        si.self_inspection_reopen(by=request.user, campaign=campaign, school_id=school_id,
                                  reason=request.POST.get("reason", ""))
        messages.success(request, _("已退回学校重新填报。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("campaigns:self_list", pk=campaign.pk)


@login_required
@require_GET
def self_late(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    today = timezone.localdate()
    return render(request, "campaigns/self_late.html", {
        "campaign": campaign, "rows": si.late_list(campaign, today), "passed": si.self_deadline_passed(campaign, today),
    })
