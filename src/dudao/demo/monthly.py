"""The demo's 工作月报 (issue [11] item 5): 宁乡市's summary of last month, drafted from the demo's data
by the office (nx_office), checked and signed off by the leader (nx_leader) and issued with its
发文字号; and this month's draft, counted up to today, waiting for the office to edit and send it.

Everything goes through the services the pages call; idempotent (nothing the second time).
"""

from __future__ import annotations

from django.utils import timezone

from dudao.documents import services as documents
from dudao.documents.models import DocumentStatus
from dudao.monthly.services import draft_summary, last_month
from dudao.monthly.writing import PLAN_PLACEHOLDER
from dudao.people.models import User
from dudao.regions.models import Office

NX = "430182"
PLAN = ("一是督促各责任督学按月完成挂牌学校督导，重点督导上月未督导的学校；二是跟踪逾期未整改问题，"
        "逐校督办销号；三是做好群众反映问题的核实答复；四是组织开展督学集中培训。")


def build_ningxiang_monthly() -> None:
    office = Office.objects.select_related("region").get(region__code=NX)
    staff, leader = User.objects.get(username="nx_office"), User.objects.get(username="nx_leader")
    today = timezone.localdate()
    year, month = last_month(today)
    summary, created = draft_summary(by=staff, office=office, year=year, month=month, today=today)
    document = summary.document
    if created and document.status == DocumentStatus.DRAFT:
        body = [dict(b, text=PLAN) if b.get("text") == PLAN_PLACEHOLDER else b for b in document.body]
        documents.edit_draft(document, by=staff, body=body)
        documents.submit(document, by=staff)
        documents.check(document, by=leader, note="数据已核对")
        documents.issue(document, by=leader)
    draft_summary(by=staff, office=office, year=today.year, month=today.month, today=today)
