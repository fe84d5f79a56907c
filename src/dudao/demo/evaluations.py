"""Demo: 宁乡市's 优质均衡 dossier (申报材料) of the last demo year, applied and waiting for the city.

Its parts come from the demo data: resources from the stored monitoring results of 长沙市 (the demo
recompute), the computed items (school size, class size, music and art rooms, training,
certificates, special-school funding) from the yearly base data, social recognition from the demo's
社会认可度 survey of this year (`survey_year`); the other items are entered with invented figures, and a
few carry evidence, so the checklist shows what is still missing. A city reviewer account
(`cs_shenhe`, staff of the 长沙市 office) returns or forwards it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.evaluations import services
from dudao.evaluations.items import JUDGEMENT, VETO, item_defs
from dudao.evaluations.models import Dossier
from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office, Region

NX, CITY = "430182", "4301"
REVIEWER = "cs_shenhe"
COUNTY_STAFF = "nx_office"
# Invented figures for the items the platform does not hold (value, second value)
FIGURES = {
    "G7": (Decimal("6800"), None), "G11": (Decimal("12.4"), Decimal("23.1")), "G13": (Decimal("100"), Decimal("96.5")),
    "G14": (Decimal("55"), None), "G15": (Decimal("91.2"), None), "Q1": (Decimal("98.6"), None),
    "Q2": (Decimal("96.3"), None), "Q4": (Decimal("5.4"), None), "Q9": (Decimal("0.12"), Decimal("3")),
}
NOTES = {"G1": "《宁乡市义务教育学校布局专项规划（2021—2035年）》已经市政府批复。",
         "G8": "2024年教师年平均工资收入高于当地公务员平均水平。", "Q8": "作业管理纳入责任督学月查内容。"}
WITH_EVIDENCE = ("G1", "G2", "G8", "Q3", "C1", "V1", "V2", "V3")


def _pdf(title: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {title}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def reviewer_account(password: str) -> User:
    city_office = Office.objects.get(region__code=CITY)
    user, _created = User.objects.get_or_create(username=REVIEWER, defaults={"full_name": "长沙市督导室·审核员 周丽"})
    user.set_password(password)
    user.save()
    if not RoleGrant.objects.filter(user=user, role=Role.OFFICE_STAFF, office=city_office).exists():
        RoleGrant.objects.create(user=user, role=Role.OFFICE_STAFF, office=city_office)
    return user


def build_ningxiang_dossier(*, year: int, password: str) -> Dossier:
    """Create (once) and apply 宁乡市's 优质均衡 dossier of the year (the builder's last demo year);
    the reviewer gets the demo password. (The builder passes both: this module does not import it.)"""
    reviewer_account(password)
    county = Region.objects.get(code=NX)
    found = Dossier.objects.filter(region=county, kind="quality", year=year).first()
    if found is not None:
        return found
    staff = User.objects.get(username=COUNTY_STAFF)
    dossier = services.dossier_create(by=staff, region=county, kind="quality", year=year,
                                      basic_passed_on=dt.date(2015, 12, 28), survey_year=timezone.localdate().year)
    computed = set(dossier.items.filter(computed=True).values_list("code", flat=True))
    for item in item_defs("quality"):
        if item.computed == "recognition" or item.code in computed or item.code == "C1":
            continue
        note = NOTES.get(item.code, "")
        if item.rule == VETO:
            services.item_save(by=staff, dossier=dossier, code=item.code, met=False, note=note or "经自查，不存在该情形。")
        elif item.rule == JUDGEMENT:
            services.item_save(by=staff, dossier=dossier, code=item.code, met=True, note=note)
        elif item.code in FIGURES:
            value, value2 = FIGURES[item.code]
            services.item_save(by=staff, dossier=dossier, code=item.code, value=value, value2=value2, note=note)
    services.item_save(by=staff, dossier=dossier, code="C1", basic_passed_on=dossier.basic_passed_on,
                       note="2015年通过国家义务教育发展基本均衡县认定。")
    for code in WITH_EVIDENCE:
        services.evidence_add(by=staff, dossier=dossier, code=code, upload=_pdf(f"宁乡市-{code}-佐证材料"))
    services.dossier_step(by=staff, dossier=dossier, name="apply", note="宁乡市申请县域义务教育优质均衡发展督导评估，请市督导室审核。")
    dossier.refresh_from_db()
    return dossier


def evaluation_accounts(year: int) -> list[tuple[str, str, str, str]]:
    """(username, full name, role, scope and what to try) of the demo's city reviewer."""
    user = User.objects.get(username=REVIEWER)
    return [(REVIEWER, user.full_name, str(Role.OFFICE_STAFF.label),
             f"长沙市（县域评估审核）：菜单“县域评估”→ 宁乡市 {year} 优质均衡申报材料，看各部分结论和材料清单，退回或报省")]
