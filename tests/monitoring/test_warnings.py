"""Monitoring warnings → findings: failing schools and counties whose CV fails become findings in
the ledger once, with the indicator values that caused them and a link back to the dashboard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding, FindingSource, FindingState
from dudao.monitoring.models import AreaResult, SchoolResult
from dudao.monitoring.services import monitoring_recompute
from dudao.monitoring.standards import BASIC, QUALITY
from dudao.monitoring.warnings import county_warnings, school_warnings, warnings_to_findings
from dudao.regions.models import Office, Region
from dudao.schools.models import SchoolYearData
from tests.monitoring.dash_support import YEAR, build

DEADLINE = (timezone.localdate() + timedelta(days=40)).isoformat()


@pytest.fixture
def world(cast):
    made = build(cast)
    return cast, made


def form_data(keys, **over) -> dict:
    data = {"region": "430182", "year": YEAR, "scheme": "quality_2017", "stage": "primary", "selected": keys,
            "requirement": "按标准补足体育艺术教师和多媒体教室，9月底前报送整改情况。", "deadline": DEADLINE, "severity": "normal"}
    data.update(over)
    return data


def school_keys(cast) -> dict[str, str]:
    return {w.school.name: w.key for w in school_warnings(user=cast.county_staff, scheme=QUALITY, year=YEAR, stage="primary",
                                                          region=Region.objects.get(code="430182"))}


def test_failing_schools_become_findings_once_with_their_values(world, client):
    cast, made = world
    client.force_login(cast.county_staff)
    page = client.get(reverse("monitoring:warnings"), {"region": "430182", "year": YEAR}).content.decode()
    keys = school_keys(cast)
    assert set(keys) == {"宁乡测试二小", "宁乡测试三小"}  # exactly the schools failing the per-school rule
    assert keys["宁乡测试二小"] == f"quality_2017:{YEAR}:primary:school:{made['second'].pk}:L2+L3+L7"
    assert all(f'value="{k}"' in page for k in keys.values())
    default_deadline = timezone.localdate() + timedelta(days=30)  # the ledger's default time limit
    assert f'type="date" name="deadline" value="{default_deadline.isoformat()}"' in page

    response = client.post(reverse("monitoring:warnings"), form_data(list(keys.values())))
    assert response.status_code == 302
    assert "region=430182" in response["Location"]
    findings = {f.school.name: f for f in Finding.objects.filter(source=FindingSource.MONITORING).select_related("school")}
    assert set(findings) == {"宁乡测试二小", "宁乡测试三小"}
    second = findings["宁乡测试二小"]
    stored = SchoolResult.objects.get(school=made["second"], scheme="quality_2017", year=YEAR, stage="primary")
    assert second.source_data["values"] == stored.values
    assert second.source_data["indicators"] == ["L2", "L3", "L7"]
    assert second.source_data["standards"]["L7"] == 2.3
    assert second.office == Office.objects.get(region__code="430182")
    assert second.requirement.startswith("按标准补足") and second.deadline.isoformat() == DEADLINE
    assert second.category == "facilities" and second.state == FindingState.OPEN and second.created_by == cast.county_staff
    assert second.source_url.startswith("/monitoring/?") and "region=430182" in second.source_url
    assert "year=2025" in second.source_url and "stage=primary" in second.source_url
    assert "每百名学生拥有网络多媒体教室数 2.00间（标准 2.30，达到 87.0%）" in second.description
    assert "低于85%" in findings["宁乡测试三小"].description

    # The same warnings again: nothing new; the page names the existing findings.
    again = client.post(reverse("monitoring:warnings"), form_data(list(keys.values())))
    assert again.status_code == 200
    assert "所选项目已不在预警名单中" in again.content.decode()
    assert Finding.objects.filter(source=FindingSource.MONITORING).count() == 2
    page = client.get(reverse("monitoring:warnings"), {"region": "430182", "year": YEAR}).content.decode()
    assert page.count('data-testid="existing"') == 2
    assert reverse("findings:detail", args=[second.pk]) in page


def test_the_service_never_creates_a_duplicate_even_when_called_twice(world):
    cast, _made = world
    county = Region.objects.get(code="430182")
    first = school_warnings(user=cast.county_staff, scheme=QUALITY, year=YEAR, stage="primary", region=county)
    created, skipped = warnings_to_findings(by=cast.county_staff, warnings=first, requirement="整改",
                                            deadline=date(2099, 1, 1), source_url="/monitoring/")
    assert len(created) == 2 and skipped == []
    # A second submission built from the same (now stale) page: every warning is already covered.
    stale = school_warnings(user=cast.county_staff, scheme=QUALITY, year=YEAR, stage="primary", region=county)
    created, skipped = warnings_to_findings(by=cast.county_staff, warnings=stale, requirement="整改",
                                            deadline=date(2099, 1, 1), source_url="/monitoring/")
    assert created == [] and len(skipped) == 2
    assert Finding.objects.count() == 2


def test_a_cancelled_finding_or_a_new_set_of_failing_indicators_is_a_new_warning(world, client):
    cast, made = world
    client.force_login(cast.county_staff)
    keys = school_keys(cast)
    client.post(reverse("monitoring:warnings"), form_data([keys["宁乡测试三小"]]))
    finding = Finding.objects.get()
    Finding.objects.filter(pk=finding.pk).update(state=FindingState.CANCELLED)
    assert school_keys(cast)["宁乡测试三小"] == keys["宁乡测试三小"]
    page = client.get(reverse("monitoring:warnings"), {"region": "430182", "year": YEAR}).content.decode()
    assert f'value="{keys["宁乡测试三小"]}"' in page  # may be chosen again
    # 三小 now also misses L5: another set of failing indicators, so another key.
    SchoolYearData.objects.filter(school=made["third"], year=YEAR).update(sports_ground_area=1500)  # 5 ㎡ < 7.5
    monitoring_recompute(year=YEAR, region=Region.objects.get(code="430182"))
    assert school_keys(cast)["宁乡测试三小"].endswith(":L4+L5")


def test_a_county_whose_cv_fails_becomes_a_finding_on_the_county(world, client):
    cast, made = world
    SchoolYearData.objects.filter(school=made["second"], year=YEAR).update(key_teachers=0)  # L2 CV well above 0.50
    monitoring_recompute(year=YEAR, region=Region.objects.get(code="430182"))
    area = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182")
    assert area.cv_pass["L2"] is False and area.cv["L2"] > 0.5
    client.force_login(cast.city_staff)  # the city office acts on its county
    page = client.get(reverse("monitoring:warnings"), {"region": "4301", "year": YEAR, "kind": "counties"}).content.decode()
    failing = [c for c in QUALITY.codes if area.cv_pass[c] is False]
    key = f"quality_2017:{YEAR}:primary:county:430182:{'+'.join(failing)}"
    assert f'value="{key}" id="w-1-county" checked' in page  # counties pre-selected, schools not
    response = client.post(reverse("monitoring:warnings"), form_data([key], region="4301"))
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.school is None and finding.region.code == "430182" and finding.unit_name == "宁乡市人民政府"
    assert finding.office.region.code == "430182"
    assert finding.source_data["cv"]["L2"] == area.cv["L2"] and finding.source_data["limit"] == 0.5
    assert "region=430182" in finding.source_url
    assert "差异系数" in finding.description and f"{area.cv['L2']:.3f}" in finding.description


def test_basic_scheme_warns_only_on_the_composite_cv(world):
    cast, _made = world
    county = Region.objects.get(code="430182")
    assert school_warnings(user=cast.county_staff, scheme=BASIC, year=YEAR, stage="primary", region=county) == []
    area = AreaResult.objects.get(scheme="basic_2012", year=YEAR, stage="primary", region=county)
    found = county_warnings(user=cast.county_staff, scheme=BASIC, year=YEAR, stage="primary", region=county)
    assert bool(found) == (area.verdict == "fail")
    assert all(w.codes == ["composite"] for w in found)


def test_form_errors_keep_the_input(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    keys = list(school_keys(cast).values())
    response = client.post(reverse("monitoring:warnings"), form_data(keys, requirement="  ", deadline="2001-01-01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写整改要求。" in html and "整改期限不能早于今天。" in html
    assert all(f'value="{k}" id=' in html and "checked" in html for k in keys)
    none = client.post(reverse("monitoring:warnings"), form_data([]))
    assert "请至少选择一所学校或一个县（市、区）。" in none.content.decode()
    assert not Finding.objects.exists()
