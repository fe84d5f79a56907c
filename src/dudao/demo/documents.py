"""The demo's 公文 (issue [11] item 1): the built-in templates, and documents of the 宁乡 office in every
state, drafted by nx_office from the office's wording and signed by nx_leader:

- 草稿: a 督导通知书 to a school, placeholders still to fill;
- 待审核: a 督导意见书 sent for checking (nx_office drafted it, so another person checks it);
- 待签发: a 整改通知书 checked by nx_leader, waiting for the leader's 签发;
- 已印发 and 公开: a 通报 with a data table (schools by type), 宁教督〔year〕1号, sent to three schools;
- 已印发, revised: a 督导报告 to 宁乡市人民政府 (上行文 with its 签发人), 宁教督〔year〕2号, version 2.

Everything goes through the services the pages call; idempotent (nothing the second time).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from dudao.documents import services
from dudao.documents.builtin import PLACEHOLDERS, install_builtin_templates
from dudao.documents.models import Document
from dudao.people.models import User
from dudao.regions.models import Office
from dudao.schools.models import School

NX = "430182"
SOURCE = "demo:documents"


def build_ningxiang_documents() -> int:
    """Install the built-in templates; the 宁乡 office's documents. Returns how many were made (0 the second time)."""
    install_builtin_templates()
    office = Office.objects.get(region__code=NX)
    if Document.objects.filter(office=office, source=SOURCE).exists():
        return 0
    staff, leader = User.objects.get(username="nx_office"), User.objects.get(username="nx_leader")
    schools = list(School.objects.filter(region__code__startswith=NX).order_by("code")[:3])
    year = timezone.localdate().year
    base = {**PLACEHOLDERS, "office": {"name": office.name}, "year": year}

    def draft(kind: str, data: dict, **kwargs) -> Document:
        return services.draft_from_template(by=staff, office=office, kind=kind, data={**base, **data},
                                            source=SOURCE, **kwargs)

    first = schools[0] if schools else None
    school_data = {"school": {"name": first.name}} if first else {}
    to_school = [{"school": first, "name": first.name}] if first else []
    campaign = {"campaign": {"name": f"{year}年春季开学工作专项督导"}}

    draft("notice", {**school_data, **campaign}, addressee=first.name if first else "", recipients=to_school,
          school=first)

    checking = draft("opinion", {**school_data, **campaign, "overall": "学校开学准备工作总体到位。"},
                     addressee=first.name if first else "", recipients=to_school, school=first)
    services.submit(checking, by=staff)

    signing = draft("rectification", {**school_data, "problems": "1. 部分教室照明不达标。\n2. 食堂进货查验台账不完整。"},
                    addressee=first.name if first else "", recipients=to_school, school=first)
    services.submit(signing, by=staff)
    services.check(signing, by=leader, note="同意")

    counts = (School.objects.filter(region__code__startswith=NX).values("kind").annotate(n=Count("pk"))
              .order_by("kind"))
    labels = dict(School._meta.get_field("kind").choices or [])
    table = {"type": "table", "text": "表1 宁乡市各类学校数", "header": ["学校类型", "学校数"],
             "rows": [[str(labels.get(row["kind"], row["kind"])), str(row["n"])] for row in counts]}
    bulletin = draft("bulletin", {**campaign, "period": f"{year}年2月", "school_count": len(schools),
                                  "overall": "各校开学准备工作总体有序，校园安全和教学秩序良好。",
                                  "strengths": "1. 各校均开展了开学安全隐患排查。",
                                  "problems": "1. 个别学校食堂台账不完整。", "deadline": f"{year}年4月30日"},
                     addressee="各中小学校、幼儿园", body=[table], cc="宁乡市教育局",
                     recipients=[{"school": s, "name": s.name} for s in schools])
    services.submit(bulletin, by=staff)
    services.check(bulletin, by=leader)
    bulletin = services.issue(bulletin, by=leader)
    services.publish(bulletin, by=staff)

    report = draft("report", {**campaign, "region": {"name": "宁乡市"}, "period": f"{year}年2月",
                              "school_count": len(schools), "overall": "开学工作总体平稳有序。",
                              "strengths": "各校落实开学准备各项要求。", "problems": "个别学校食堂管理不规范。",
                              "suggestions": "加强学校食堂管理，落实整改复查。"},
                   addressee="宁乡市人民政府", upward=True, signer_name=leader.full_name.split("·")[-1])
    services.submit(report, by=staff)
    services.check(report, by=leader)
    report = services.issue(report, by=leader, share=False)
    services.new_version(report, by=staff, reason="更正督导时间", note="联系人：李命均")
    return Document.objects.filter(office=office, source=SOURCE).count()
