"""The documents of 宁乡市's demo campaigns (issue [11] item 1, campaigns/documents.py): the 全面实施素质
教育中小学校督导评估 (a points framework with results, findings and re-inspection) — its 督导通知书 issued to its schools, the school reports of a few schools drafted from the results
— two issued, one of them published so that the public portal (/public/) shows it — and the
campaign's summary report to the government as a draft awaiting 审核. Idempotent."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dudao.campaigns import documents as builders
from dudao.campaigns.models import Campaign, CampaignSchool, SchoolResult
from dudao.documents import services
from dudao.documents.models import Document
from dudao.people.models import Role, RoleGrant, User

NX = "430182"
REPORTS = 4  # schools with a drafted report: the demo school account's and the best ranked


def _issue(document: Document, *, staff: User, leader: User, on: date) -> Document:
    services.submit(document, by=staff)
    services.check(document, by=leader)
    return services.issue(document, by=leader, issued_on=min(on, timezone.localdate()))


def build_ningxiang_campaign_documents() -> int:
    """Returns the number of documents made (0 the second time)."""
    campaign = Campaign.objects.filter(office__region__code=NX, name__contains="素质教育中小学校督导评估").first()
    if campaign is None or Document.objects.filter(source=builders.campaign_source(campaign)).exists():
        return 0
    staff, leader = User.objects.get(username="nx_office"), User.objects.get(username="nx_leader")
    made = 0
    notice = builders.notice_draft(campaign=campaign, by=staff)
    _issue(notice, staff=staff, leader=leader, on=campaign.notice_date or timezone.localdate())
    made += 1
    own = RoleGrant.objects.get(user__username="nx_school", role=Role.SCHOOL_USER).schools.get().pk
    ranked = list(SchoolResult.objects.filter(campaign=campaign, rank__isnull=False).exclude(school_id=own)
                  .order_by("rank").values_list("school_id", flat=True)[:REPORTS - 1])
    if not CampaignSchool.objects.filter(campaign=campaign, school_id=own).exists():
        own = ranked.pop(0) if ranked else own
    figures = builders.campaign_figures(campaign)
    entries = {e.school_id: e for e in CampaignSchool.objects.filter(campaign=campaign, school_id__in=[own, *ranked])
               .select_related("school")}
    reports = [builders.school_report_draft(campaign=campaign, school=entries[sid].school, by=staff, figures=figures)
               for sid in [own, *ranked] if sid in entries]
    made += len(reports)
    issued_on = campaign.final_date or timezone.localdate()
    issued = [_issue(document, staff=staff, leader=leader, on=issued_on) for document in reports[:2]]
    if len(issued) > 1:
        services.publish(issued[1], by=staff)  # a well-ranked school's report on the public portal
    builders.summary_report_draft(campaign=campaign, by=staff)
    return made + 1
