"""The buttons that draft a campaign's documents (campaigns/documents.py) and open the draft: the
督导通知书 and the summary report of the campaign, the 督导报告, 督导意见书 and 自评报告 template
of one school. Office staff of the campaign's office (or above) only; POST; a campaign outside the
user's scope is a 404, a read-only user gets a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.campaigns import documents as builders
from dudao.campaigns.models import CampaignSchool
from dudao.campaigns.selectors import access_campaign
from dudao.core.errors import joined_messages
from dudao.documents.access import may_draft
from dudao.documents.links import document_url

CAMPAIGN_KINDS = {"notice": builders.notice_draft, "summary": builders.summary_report_draft}
SCHOOL_KINDS = {"report": builders.school_report_draft, "opinion": builders.school_opinion_draft,
                "self_assessment": builders.self_assessment_draft}


def _campaign(request: HttpRequest, pk: int):
    campaign = access_campaign(request.user, pk)
    if campaign.is_government:  # 督政: the opinion is the governance app's, per government unit
        raise Http404
    if not may_draft(request.user, campaign.office):
        raise PermissionDenied(_("只有组织督导室的工作人员可以起草本项目的公文。"))
    return campaign


@login_required
@require_POST
def campaign_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in CAMPAIGN_KINDS:
        raise Http404
    campaign = _campaign(request, pk)
    try:
        doc = CAMPAIGN_KINDS[kind](campaign=campaign, by=request.user)
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("campaigns:detail", pk=campaign.pk)
    return redirect(document_url(doc.pk))


@login_required
@require_POST
def school_document(request: HttpRequest, pk: int, school_id: int, kind: str) -> HttpResponse:
    if kind not in SCHOOL_KINDS:
        raise Http404
    campaign = _campaign(request, pk)
    entry = CampaignSchool.objects.filter(campaign=campaign, school_id=school_id).select_related("school").first()
    if entry is None:
        raise Http404
    try:
        doc = SCHOOL_KINDS[kind](campaign=campaign, school=entry.school, by=request.user)
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("campaigns:result_school", pk=campaign.pk, school_id=school_id)
    return redirect(document_url(doc.pk))
