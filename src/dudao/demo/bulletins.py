"""宁乡市's 通报 on the autumn 开学工作专项督导 (issue [11] item 3; demo/campaigns.py builds the campaign).

The office (nx_office) counts the figures and drafts the bulletin, keeping every proposed example
except the last bad one (the review step's untick); the office's leader (nx_leader) checks and signs
it off, which issues it with the next 宁教督 number to the campaign's schools. The demo school
(nx_school) reads it through the service; four more schools have read it — they have no demo
session, so their receipts are written directly, as demo/campaigns.py writes the raters' scores. The
office then publishes it on the portal. Does nothing the second time.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dudao.bulletins import services
from dudao.bulletins.models import Bulletin
from dudao.campaigns.models import Campaign
from dudao.documents import services as documents
from dudao.documents.models import DocumentRecipient
from dudao.people.models import User
from dudao.regions.models import Office

NX = "430182"
OTHER_READERS = 4


@transaction.atomic
def build_ningxiang_bulletins() -> int:
    """The issued, partly read and published bulletin of 秋季开学; 0 when it exists or the campaign does not."""
    office = Office.objects.select_related("region").get(region__code=NX)
    campaign = Campaign.objects.filter(office=office, name__contains="秋季开学").first()
    if campaign is None or Bulletin.objects.filter(campaign=campaign).exists():
        return 0
    staff, leader = User.objects.get(username="nx_office"), User.objects.get(username="nx_leader")
    bulletin = services.compute(by=staff, office=office, campaign=campaign)
    keys = [e["key"] for e in bulletin.examples]
    bad = [e["key"] for e in bulletin.examples if e["kind"] == "bad"]
    picks = set(keys) - set(bad[-1:])
    document = services.draft(bulletin, by=staff, picks=picks)
    documents.submit(document, by=staff)
    documents.check(document, by=leader, note="数据已核对。")
    document = documents.issue(document, by=leader, code="宁教督")
    school_user = User.objects.filter(username="nx_school").first()
    if school_user is not None:
        documents.mark_read(document, by=school_user)
    unread = DocumentRecipient.objects.filter(document=document, read_at__isnull=True).order_by("id")
    DocumentRecipient.objects.filter(pk__in=list(unread.values_list("pk", flat=True)[:OTHER_READERS])).update(
        read_at=timezone.now())
    documents.publish(document, by=staff)
    return 1
