"""Issue [11]: the documents of the demo's 素质教育督导评估 campaign (demo/kinds.py): the notice issued to
every school of the campaign with its number, four school reports drafted from the results (two
issued, one published for the portal), the summary report to the government as a draft."""

from __future__ import annotations

from dudao.campaigns.documents import campaign_source
from dudao.campaigns.models import Campaign, CampaignSchool
from dudao.demo.kinds import build_ningxiang_campaign_documents
from dudao.documents.models import Document


def test_the_campaign_documents(demo_city, db):
    campaign = Campaign.objects.get(office__region__code="430182", name__contains="素质教育中小学校督导评估")
    notice = Document.objects.get(source=campaign_source(campaign), kind="notice")
    assert notice.status == "issued" and notice.number.startswith("宁教督〔") and notice.versions.count() == 1
    assert notice.recipients.count() == CampaignSchool.objects.filter(campaign=campaign).count()
    reports = Document.objects.filter(kind="report", school__isnull=False, source__startswith="campaigns.CampaignSchool:")
    assert reports.count() == 4
    assert reports.filter(status="issued").count() == 2
    published = list(Document.objects.published().filter(pk__in=reports))
    assert len(published) == 1 and published[0].status == "issued" and published[0].school_id
    summary = Document.objects.get(source=campaign_source(campaign), kind="report")
    assert summary.upward and summary.status == "draft" and summary.addressee == "宁乡市人民政府"
    assert build_ningxiang_campaign_documents() == 0  # idempotent
