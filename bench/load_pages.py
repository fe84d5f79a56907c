"""Writes var/bench/load/pages.json for the locust users (run by bench/load.py with the production
settings): per office account, the pages of an office's day with ids inside that account's scope,
so every request of the load test is one a real user could make."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import quote


def pages_for(user, region_code: str, rng: random.Random) -> dict[str, list[str]]:
    from dudao.complaints.models import Complaint
    from dudao.findings.models import Finding
    from dudao.regions.models import Office
    from dudao.schools.models import School

    office = Office.objects.get(region__code=region_code)
    visible = School.objects.visible_to(user)
    schools = list(visible.values_list("id", flat=True)[:2000])
    findings = list(Finding.objects.visible_to(user).values_list("id", flat=True)[:500])
    complaints = list(Complaint.objects.visible_to(user).values_list("id", flat=True)[:200])
    last_page = max(1, visible.count() // 30)
    pages = {
        "home": ["/"],
        "schools: list": ["/schools/"],
        "schools: page 200": [f"/schools/?page={min(200, last_page)}"],
        "schools: search": [f"/schools/?q={quote('中心小学')}"],
        "schools: pinyin search": ["/schools/?q=zxxx"],
        "school": [f"/schools/{pk}/" for pk in rng.sample(schools, min(50, len(schools)))],
        "regions: tree": ["/regions/"],
        "supervisors: list": ["/supervisors/"],
        "supervisors: statistics": ["/supervisors/stats/"],
        "zones": ["/zones/"],
        "visits: ledger": ["/visits/log/"],
        "visits: compliance": [f"/visits/office/compliance/?office={office.pk}"],
        "visits: not visited": [f"/visits/office/not-visited/?office={office.pk}"],
        "findings: ledger": ["/findings/", "/findings/?state=reported", "/findings/?overdue=overdue"],
        "findings: statistics": ["/findings/stats/"],
        "finding": [f"/findings/{pk}/" for pk in rng.sample(findings, min(30, len(findings)))],
        "complaints: list": ["/complaints/"],
        "complaints: statistics": ["/complaints/stats/"],
        "monitoring": [f"/monitoring/?region={region_code}&year=2024"],
        "notifications": ["/notifications/"],
    }
    if complaints:
        pages["complaint"] = [f"/complaints/{pk}/" for pk in complaints[:30]]
    return {name: urls for name, urls in pages.items() if urls}


def main() -> None:
    import django

    django.setup()
    from dudao.people.models import User

    load_dir = Path(os.environ["LOAD_DIR"])
    accounts = json.loads((load_dir / "accounts.json").read_text())
    rng = random.Random(5)
    pages = {a["username"]: pages_for(User.objects.get(username=a["username"]), a["region"], rng)
             for a in accounts["office"]}
    (load_dir / "pages.json").write_text(json.dumps(pages, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
