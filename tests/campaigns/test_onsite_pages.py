"""The on-site pages and API: the list of my schools, starting, the visit form with the items
(autosave and submission through the visits endpoints — one form), the leader's reconcile page,
and the API's idempotent submission (the same service)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns.models import CampaignState, Score, ScoreKind
from dudao.campaigns.onsite import onsite_save
from dudao.visits.models import Visit, VisitBasis, VisitStatus
from tests.campaigns.onsite_support import Onsite, answers, build_onsite, data_for


def _start(client, o, school):
    cid = uuid.uuid4()
    response = client.post(reverse("campaigns:onsite_start"), {
        "campaign": o.campaign.pk, "school": school.pk, "client_id": str(cid), "location_status": "ok",
        "latitude": "28.250500", "longitude": "112.550000", "accuracy": "15",
        "device_started_at": timezone.now().isoformat()})
    return cid, response

@pytest.fixture
def onsite(cast, county_campaign) -> Onsite:
    return build_onsite(cast, county_campaign)


def test_a_member_starts_fills_offline_style_autosave_and_submits_on_the_visit_form(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    page = client.get(reverse("campaigns:onsite_mine")).content.decode()
    assert "测试宁乡一小" in page and "测试宁乡二中" in page and "测试宁乡三幼" not in page and "开始核查" in page
    cid, response = _start(client, o, cast.A1)
    assert response.status_code == 302 and response["Location"] == reverse("visits:field_form", args=[cid])
    visit = Visit.objects.get(client_id=cid)
    assert visit.basis == VisitBasis.CAMPAIGN and visit.distance_m is not None and visit.distance_m < 100
    form = client.get(reverse("visits:field_form", args=[cid])).content.decode()
    assert "B1 校舍安全" in form and "消防器材是否配齐有效" in form and "中（6）" in form and "测试宁乡综合督导" in form
    assert "挂牌督导事项" not in form and "data-problem-list" not in form  # the 挂牌 topics and problems: routine only
    # the script's autosave (JSON) keeps the items' answers in the draft
    body = {"narrative": "查看了校舍和消防", "answers": answers(o, b3=None)}
    saved = client.post(reverse("visits:field_autosave", args=[cid]), json.dumps(body), content_type="application/json")
    assert saved.status_code == 200, saved.content
    visit.refresh_from_db()
    assert visit.answers == {str(o.items["B1"].pk): {"value": "5"}, str(o.items["B2"].pk): {"choice": "yes"}}
    # submitting without B3 is refused per field, then with it accepted; a retry answers the same visit
    refused = client.post(reverse("visits:field_submit", args=[cid]), json.dumps(body), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"]["answers"] == ["B3：请填写评分。"]
    body["answers"] = answers(o)
    for _attempt in range(2):
        done = client.post(reverse("visits:field_submit", args=[cid]), json.dumps(body), content_type="application/json")
        assert done.status_code == 200 and done.json()["status"] == VisitStatus.SUBMITTED
        assert done.json()["url"] == reverse("campaigns:onsite_mine")  # back to my schools, not a page they cannot read
    assert Score.objects.filter(kind=ScoreKind.ONSITE, rater=o.rater, visit=visit).count() == 3
    detail = client.get(reverse("visits:detail", args=[visit.pk]))
    assert detail.status_code == 404  # the rater's scope holds no school: they read scores through the campaign
    assert "提交核查评分" in client.get(reverse("campaigns:onsite_mine")).content.decode()


def test_the_plain_form_without_script_submits_the_items(cast, client, onsite):
    o = onsite
    client.force_login(o.leader)
    cid, _response = _start(client, o, cast.A2)
    post = {"narrative": "", "mode": "announced"}
    for key, row in answers(o, b1="6", b2="no", b3="好").items():
        for name, value in row.items():
            post[f"answers.{key}.{name}"] = value
    response = client.post(reverse("visits:field_submit", args=[cid]), post)
    assert response.status_code == 302
    assert {s.indicator.code: s.value for s in Score.objects.filter(rater=o.leader).select_related("indicator")} == {
        "B1": 6, "B2": 0, "B3": 10}


def test_a_draft_cannot_be_written_once_the_window_has_closed(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid, _response = _start(client, o, cast.A1)
    o.campaign.onsite_end = timezone.localdate() - timedelta(days=1)
    o.campaign.save()
    saved = client.post(reverse("visits:field_autosave", args=[cid]), json.dumps({"answers": answers(o)}),
                        content_type="application/json")
    assert saved.status_code == 403
    assert Visit.objects.get(client_id=cid).answers == {}


def test_starting_outside_the_phase_says_why(cast, client, onsite):
    o = onsite
    o.campaign.state = CampaignState.APPROVED
    o.campaign.save()
    client.force_login(o.rater)
    _cid, response = _start(client, o, cast.A1)
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:onsite_mine")
    page = client.get(response["Location"]).content.decode()
    assert "目前没有需要您实地核查的学校" in page and not Visit.objects.exists()


def test_the_leader_reconciles_on_the_page(cast, client, onsite):
    o = onsite
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1), submit=True)
    onsite_save(by=o.second, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, answers=answers(o, b1="1")),
                submit=True)
    url = reverse("campaigns:onsite_reconcile", args=[o.campaign.pk, cast.A1.pk])
    client.force_login(o.rater)
    assert client.get(url).status_code == 403
    client.force_login(o.leader)
    page = client.get(url).content.decode()
    assert "王评估：5.00" in page and "1.00" in page  # every rater's score, by name
    assert 'data-testid="spread-B1">4.00<' in page
    post = {}
    for key, row in answers(o, b1="3", b2="yes", b3="中").items():
        for name, value in row.items():
            post[f"answers.{key}.{name}"] = value
    bad = client.post(url, {**post, f"answers.{o.items['B1'].pk}.value": "9"})
    assert "B1：得分应在 0 到 6 之间。" in bad.content.decode()
    assert client.post(url, post).status_code == 302
    assert Score.objects.filter(kind=ScoreKind.RECONCILED, rater=o.leader).count() == 3


def test_the_api_submits_idempotently_by_client_id(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    url = f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/"
    body = {"client_id": str(uuid.uuid4()), "submit": True, "location_status": "denied",
            "answers": {k: {**v, "value": float(v["value"])} if "value" in v else v for k, v in answers(o).items()}}
    first = client.post(url, json.dumps(body), content_type="application/json")
    assert first.status_code == 201, first.content
    assert {s["code"]: s["value"] for s in first.json()["scores"]} == {"B1": "5.00", "B2": "4.00", "B3": "6.00"}
    again = client.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json()["visit_id"] == first.json()["visit_id"]
    assert Score.objects.filter(kind=ScoreKind.ONSITE).count() == 3 and Visit.objects.count() == 1
    assert Visit.objects.get().location_status == "denied"
    bad = client.post(url, json.dumps({**body, "client_id": str(uuid.uuid4()), "answers": answers(o, b1="8")}),
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["answers"] == ["B1：得分应在 0 到 6 之间。"]
    # the leader's reconcile endpoints
    client.force_login(o.leader)
    rows = client.get(url + "reconcile").json()
    assert rows[0]["code"] == "B1" and rows[0]["raters"] == [{"rater": "王评估", "value": "5.00", "choice": ""}]
    put = client.put(url + "reconcile", json.dumps({"answers": answers(o, b1="4")}), content_type="application/json")
    assert put.status_code == 200 and put.json()[0]["reconciled_value"] == "4.00"


def test_a_member_without_the_school_in_scope_uploads_and_sees_the_photos_of_their_inspection(cast, client, onsite):
    from dudao.visits.models import VisitPhoto
    from tests.visits.field_support import jpeg

    o = onsite
    client.force_login(o.rater)
    cid, _response = _start(client, o, cast.A1)
    upload = client.post(reverse("visits:photo_upload", args=[cid]), {"client_id": str(uuid.uuid4()),
                         "file": _file(jpeg(800, 600))}, HTTP_ACCEPT="application/json")
    assert upload.status_code == 201, upload.content
    photo = VisitPhoto.objects.get()
    assert client.get(reverse("visits:photo", args=[photo.pk])).status_code == 200
    client.force_login(o.other)  # another team's member: not theirs
    assert client.get(reverse("visits:photo", args=[photo.pk])).status_code == 404


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场.jpg", content, content_type="image/jpeg")


def test_the_office_reads_a_campaign_inspection_in_its_ledger_sheet_and_api_and_the_school_not_its_scores(cast, client, onsite):
    o = onsite
    visit, _ = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                           data=data_for(o, cast.A1, answers=answers(o, note="年检记录缺失"), narrative="看了校舍"), submit=True)
    client.force_login(cast.county_staff)
    detail = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "王评估" in detail and "专项/综合督导实地核查" in detail and 'data-testid="onsite-scores"' in detail
    assert "年检记录缺失" in detail and "中（6.00）" in detail
    ledger = client.get(reverse("visits:log")).content.decode()
    assert "王评估" in ledger and "专项/综合督导实地核查" in ledger
    sheet = client.get(reverse("visits:record_pdf", args=[visit.pk]))
    assert sheet.status_code == 200
    listed = client.get("/api/v1/visits/").json()["items"]
    assert [(v["basis"], v["supervisor_id"], v["supervisor_name"]) for v in listed] == [("campaign", None, "王评估")]
    client.force_login(cast.school_user)  # the school reads the visit's feedback, not the scores
    school_view = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "onsite-scores" not in school_view and "年检记录缺失" not in school_view
