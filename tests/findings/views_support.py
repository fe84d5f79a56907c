"""A small ledger across the cast's schools for the page tests: one finding per school (A1–D1) and
one per government unit (宁乡市人民政府, 望城区人民政府), each with an evidence photo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from dudao.findings.models import Finding, FindingEvidence
from dudao.regions.models import Office, Region
from dudao.regions.services import office_ensure
from tests.personas import EXPECTED

GOV = {"NX": ("430182", "宁乡市人民政府"), "WC": ("430112", "望城区人民政府")}
# Who sees a government unit's finding: offices whose region covers the unit (and admins) — never
# a school, a supervisor or an evaluator.
GOV_EXPECTED = {
    "NX": {"admin", "province_staff", "city_staff", "county_staff", "county_leader"},
    "WC": {"admin", "province_staff", "city_staff", "multi"},
}
OFFICE_PERSONAS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "multi"}


@dataclass
class Spread:
    findings: dict[str, Finding]
    evidence: dict[str, FindingEvidence]
    offices: dict[str, Office] = field(default_factory=dict)

    def visible_keys(self, persona: str) -> set[str]:
        return set(EXPECTED[persona]) | {k for k, who in GOV_EXPECTED.items() if persona in who}

    def text(self, key: str) -> str:
        return self.findings[key].description


def office_of(code: str) -> Office:
    return office_ensure(region=Region.objects.get(code=code))


def build_spread(ledger) -> Spread:
    """Findings created through the services, one per school and government unit."""
    from dudao.findings.services import evidence_add, finding_create
    from tests.findings.conftest import photo

    cast = ledger.cast
    deadline = timezone.localdate() + timedelta(days=20)
    common = {"source": "other", "category": "safety", "requirement": "限期整改", "deadline": deadline}
    offices = {"A": ledger.ningxiang, "B": ledger.wangcheng, "C": office_of("430181"), "D": office_of("110101")}
    findings: dict[str, Finding] = {}
    for key in ("A1", "A2", "A3", "B1", "B2", "C1", "D1"):
        school = getattr(cast, key)
        findings[key] = finding_create(by=None, office=offices[key[0]], school=school, description=f"问题{key}号隐患", **common)
    for key, (code, name) in GOV.items():
        office = ledger.ningxiang if key == "NX" else ledger.wangcheng
        findings[key] = finding_create(by=None, office=office, region=Region.objects.get(code=code), unit_name=name,
                                       description=f"问题{key}号政府履职", **common)
    evidence = {k: evidence_add(by=cast.admin, finding=f, upload=photo(f"{k}.png")) for k, f in findings.items()}
    return Spread(findings=findings, evidence=evidence, offices=offices)
