"""Issue [6] item 7: the printed demo accounts connect. Signed in with exactly the user names the
accounts table prints (and the printed password), the whole chain can be walked: the supervisor
visits their school and records a problem with a photo → the finding → the notice → the school
reports → the supervisor closes it (核查销号). The city-level and the province 随访 supervisor
accounts can record visits at their own schools only."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dudao.demo.build import DEMO_PASSWORD, demo_accounts_table
from dudao.findings.models import Finding
from dudao.people.models import User
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor
from dudao.visits.models import Visit
from dudao.visits.services import visitable_schools
from dudao.zones.models import Assignment
from tests.visits.field_support import category_code, jpeg, method_codes
from tests.zones.plaques_helpers import pdf_text


def printed_usernames(accounts) -> list[str]:
    """The first column of the table `dudao demo` prints, below its two heading lines."""
    return [line.split()[0] for line in demo_accounts_table(accounts).splitlines()[2:]]


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} cannot sign in"
    return client


def test_the_table_prints_every_account_once_with_the_new_supervisors(demo_city, db):
    _schools, _rows, accounts = demo_city
    names = printed_usernames(accounts)
    assert len(names) == len(set(names))
    assert {"nx_supervisor", "nx_school", "cs_supervisor", "hn_supervisor"} <= set(names)
    table = demo_accounts_table(accounts)
    school = School.objects.get(role_grants__user__username="nx_school")
    assert re.search(rf"^nx_school\s+{re.escape(DEMO_PASSWORD)}\s+学校用户\s+{re.escape(school.name)}", table, re.M)


def test_the_chain_visit_problem_notice_report_close_with_the_printed_accounts(demo_city, db):
    _schools, _rows, accounts = demo_city
    names = printed_usernames(accounts)
    supervisor_name, school_name = (n for n in names if n in ("nx_supervisor", "nx_school"))
    # the school account's school is one of the supervisor's schools today
    school = School.objects.get(role_grants__user__username=school_name)
    record = Supervisor.objects.get(user__username=supervisor_name)
    assert visitable_schools(record).filter(pk=school.pk).exists()

    # 1. the supervisor starts a visit at the school from 我的督导 and records a problem with a photo
    supervisor = signed_in(supervisor_name)
    home = supervisor.get(reverse("visits:field_home")).content.decode()
    assert f'value="{school.pk}"' in home
    response = supervisor.post(reverse("visits:field_start"), {"school": school.pk, "client_id": str(uuid.uuid4())})
    assert response.status_code == 302, response.content.decode()[:500]
    visit = Visit.objects.get(created_by__username=supervisor_name, status="draft", school=school)
    form = supervisor.get(response["Location"]).content.decode()
    proposed = re.search(r'name="problem_deadline"[^>]*value="([^"]+)"', form).group(1)  # the office's default
    photo = supervisor.post(reverse("visits:photo_upload", args=[visit.client_id]), {
        "client_id": str(uuid.uuid4()), "file": SimpleUploadedFile("灭火器.jpg", jpeg(800, 600), content_type="image/jpeg")},
        HTTP_ACCEPT="application/json").json()
    body = {"mode": "announced", "methods": method_codes()[:1], "topics": ["supervision_item:1"],
            "narrative": "巡视实验楼，查看消防器材。", "opinions": "请立即整改。",
            "problems": [{"category": category_code(), "description": "实验室灭火器已过有效期",
                          "requirement": "立即更换过期消防器材，建立月检台账", "deadline": proposed,
                          "photos": [photo["client_id"]]}]}
    response = supervisor.post(reverse("visits:field_submit", args=[visit.client_id]), json.dumps(body),
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted", response.content
    finding = Finding.objects.get(visit_problem__visit=visit)
    assert (finding.state, finding.school_id, finding.deadline.isoformat()) == ("open", school.pk, proposed)
    assert finding.evidence.count() == 1  # the visit photo is the problem's first evidence

    # 2. the supervisor issues the notice
    act = lambda client, action, data=None: client.post(reverse("findings:act", args=[finding.pk, action]), data or {})  # noqa: E731
    assert act(supervisor, "notify").status_code == 302
    finding.refresh_from_db()
    assert finding.state == "notified"

    # 3. the school reads it (and its notice with the photo), starts and reports with evidence
    unit = signed_in(school_name)
    page = unit.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert "实验室灭火器已过有效期" in page and 'data-testid="site-photos"' in page
    notice = unit.get(reverse("findings:notice_pdf", args=[finding.pk]))
    assert notice.status_code == 200 and "附件：督导现场照片（1张）" in pdf_text(notice.content)
    assert act(unit, "start").status_code == 302
    response = act(unit, "report", {"note": "已更换全部过期灭火器，建立月检台账。",
                                    "files": SimpleUploadedFile("整改后.jpg", jpeg(640, 480, color=(0, 160, 0)),
                                                                content_type="image/jpeg")})
    assert response.status_code == 302, response.content.decode()[:500]
    finding.refresh_from_db()
    assert finding.state == "reported"

    # 4. the supervisor verifies and closes it (核查销号)
    assert act(supervisor, "verify", {"note": "回访现场核查，整改到位。"}).status_code == 302
    finding.refresh_from_db()
    assert finding.state == "closed" and finding.closed_at is not None
    steps = list(finding.events.order_by("id").values_list("action", "actor__username"))
    assert steps == [("created", supervisor_name), ("notify", supervisor_name), ("start", school_name),
                     ("report", school_name), ("verify", supervisor_name)]


@pytest.mark.parametrize(("username", "office_code", "level"), [("cs_supervisor", "4301", "city"),
                                                                 ("hn_supervisor", "43", "province")])
def test_city_and_province_supervisors_visit_their_own_schools_only(demo_city, db, username, office_code, level):
    _schools, _rows, accounts = demo_city
    assert username in printed_usernames(accounts)
    record = Supervisor.objects.select_related("office__region").get(user__username=username)
    assert (record.office.region.code, record.level, record.status) == (office_code, level, "active")
    own = list(visitable_schools(record).order_by("code"))
    assert len(own) == 3
    if username == "cs_supervisor":  # the city's zone of city-direct schools (市直)
        assert all(s.is_city_direct for s in own)
        assert set(record.zones_headed.get().memberships.values_list("school_id", flat=True)) == {s.pk for s in own}
    else:  # 随访: the schools the province office listed, in three counties, no zone
        assert {s.region_code[:6] for s in own} == {"430103", "430111", "430121"}
        assert not record.zones_headed.exists() and not record.zones.exists()
        # they take no school from a county's responsible supervisors (no coverage figure moves)
        assert not Assignment.objects.current().filter(school__in=own).exclude(supervisor=record).exists()
    user = User.objects.get(username=username)
    assert set(School.objects.visible_to(user)) == set(own)
    client = signed_in(username)
    started = client.post(reverse("visits:field_start"), {"school": own[0].pk, "client_id": str(uuid.uuid4())})
    assert started.status_code == 302 and "/visits/field/" in started["Location"]
    elsewhere = School.objects.filter(region_code__startswith="430182").order_by("code").first()  # a 宁乡 school
    assert client.post(reverse("visits:field_start"), {"school": elsewhere.pk}).status_code == 404
    assert Visit.objects.filter(created_by=user).count() == 1
