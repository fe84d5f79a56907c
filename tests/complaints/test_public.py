"""The public side (no login): the school page links to the form, the form gives a tracking code,
the tracking page shows the state and the answer of that one complaint — never the phone, the name
or anything internal — and the public API does the same with the same checks."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.complaints.models import Complaint, ComplaintOutcome
from dudao.complaints.services import complaint_note_add, complaint_triage
from tests.complaints.conftest import PHONE, jpeg_bytes, solved, submit

TEXT = "学校要求每个学生缴纳 300 元“自愿”捐资助学款。"
ANSWER = "您好，经核实，学校已停止收取该费用，已收款项将全额退还。"
INTERNAL = "与校长谈话，校长承认收费。"


def _form(client, school, **fields):
    token, answer = solved()
    data = {"category": "fees", "text": TEXT, "phone": PHONE, "contact_name": "张女士", "token": token,
            "answer": answer, "website": ""}
    data.update(fields)
    return client.post(reverse("public:complaint", args=[school.code]), data)


def test_the_school_page_links_to_the_form_and_the_tracking_page(cast, team, client):
    page = client.get(reverse("public:school", args=[cast.A1.code])).content.decode()

    assert f'href="/s/{cast.A1.code}/complaint/"' in page
    assert 'href="/s/track/"' in page
    assert "即将开通" not in page


def test_the_form_works_without_login_and_says_when_the_answer_comes(cast, team, client):
    response = client.get(reverse("public:complaint", args=[cast.A1.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert cast.A1.name in page
    assert "宁乡市人民政府教育督导室" in page and "5 个工作日" in page
    assert re.search(r'data-testid="challenge-question">[^<]+等于几？<', page)
    assert 'name="website"' in page and 'tabindex="-1"' in page
    labels = re.findall(r'<option value="(\w+)"', page)
    assert labels[:3] == ["fees", "teaching", "safety"]
    assert client.get(reverse("public:complaint", args=["9999999999"])).status_code == 404


def test_submitting_shows_the_tracking_code(cast, team, client):
    response = _form(client, cast.A1)

    complaint = Complaint.objects.get()
    assert response["Location"] == f"/s/track/?code={complaint.tracking_code}"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="submitted"' in page and complaint.tracking_code_display in page
    # another browser with the code reads the complaint, without the "just submitted" banner
    from django.test import Client

    other = Client().get(response["Location"]).content.decode()
    assert 'data-testid="submitted"' not in other and 'data-testid="track-result"' in other


def test_tracking_shows_the_answer_but_never_the_phone_name_or_internal_record(cast, team, client):
    complaint = submit(cast.A1, text=TEXT)
    complaint_note_add(by=cast.supervisor, complaint=complaint, note=INTERNAL)
    complaint_triage(by=cast.supervisor, complaint=complaint, outcome=ComplaintOutcome.UNFOUNDED, public_answer=ANSWER,
                     verification_note="查阅收费台账，没有收费记录。", note="处理意见：不予立案。")

    page = client.get(reverse("public:complaint_track"), {"code": complaint.tracking_code.lower()}).content.decode()

    assert ANSWER in page and TEXT in page and cast.A1.name in page
    assert "已核实" in page and "收费问题" in page
    for secret in (PHONE, PHONE[-4:], "王女士", INTERNAL, "查阅收费台账", "处理意见", team.wang.name, team.wang.phone):
        assert secret not in page, secret


def test_tracking_before_an_answer_says_it_is_being_handled(cast, team, client):
    complaint = submit(cast.A1)
    page = client.get(reverse("public:complaint_track"), {"code": complaint.tracking_code}).content.decode()
    assert "已受理，正在处理" in page and 'data-testid="no-answer"' in page


def test_an_unknown_code_says_so_and_look_ups_are_limited(cast, team, client, settings):
    settings.DUDAO_COMPLAINT_LOOKUPS_PER_IP_PER_HOUR = 3
    submit(cast.A1)
    for _n in range(3):
        response = client.get(reverse("public:complaint_track"), {"code": "ABCDE23456"})
        assert response.status_code == 404 and "没有找到这个查询码" in response.content.decode()

    response = client.get(reverse("public:complaint_track"), {"code": Complaint.objects.get().tracking_code})

    assert response.status_code == 429 and "查询次数过多" in response.content.decode()


def test_the_empty_tracking_page_asks_for_a_code(client, db):
    response = client.get(reverse("public:complaint_track"))
    assert response.status_code == 200 and 'name="code"' in response.content.decode()


def test_photos_are_uploaded_with_the_form(cast, team, client):
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert _form(client, cast.A1, photos=[photo]).status_code == 302
    assert Complaint.objects.get().photos.count() == 1


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(cast, team, client):
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00 an executable", content_type="image/jpeg")

    response = _form(client, cast.A1, photos=[fake])

    assert response.status_code == 400
    page = response.content.decode()
    assert "第 1 张照片" in page and "不是有效的图片" in page
    assert TEXT in page
    assert not Complaint.objects.exists()


def test_too_many_or_too_large_photos_are_refused_before_reading(cast, team, client, settings):
    photos = [SimpleUploadedFile(f"p{n}.jpg", jpeg_bytes((10 + n, 10)), content_type="image/jpeg") for n in range(4)]
    assert "最多上传 3 张" in _form(client, cast.A1, photos=photos).content.decode()
    settings.DUDAO_COMPLAINT_MAX_PHOTO_BYTES = 100
    big = SimpleUploadedFile("big.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert "过大" in _form(client, cast.A1, photos=[big]).content.decode()
    assert not Complaint.objects.exists()


def test_anonymous_with_a_phone_explains_itself_and_keeps_the_input(cast, team, client):
    response = _form(client, cast.A1, anonymous="on")

    page = response.content.decode()
    assert "选择匿名反映时请不要填写称呼和电话" in page
    assert PHONE in page and "张女士" in page and TEXT in page


# --- the public API ------------------------------------------------------------------------------------------
def _api_submit(client, **fields):
    token, answer = solved()
    data = {"school_code": fields.pop("school_code"), "category": "safety", "text": "校门口没有护学岗，放学时车辆很多。",
            "token": token, "answer": answer}
    data.update(fields)
    return client.post(reverse("api-1:complaint_submit"), data)


def test_api_challenge_submit_and_status(cast, team, client):
    challenge = client.get(reverse("api-1:complaint_challenge")).json()
    assert challenge["question"].endswith("等于几？") and challenge["token"]

    response = _api_submit(client, school_code=cast.A1.code, phone=PHONE)

    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.phone == PHONE and complaint.channel == "online"
    status = client.get(reverse("api-1:complaint_status", args=[code])).json()
    assert status["state"] == "received" and status["school"] == cast.A1.name and status["answer"] == ""
    assert PHONE not in str(status)


def test_api_submission_with_a_photo(cast, team, client):
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = _api_submit(client, school_code=cast.A2.code, photos=[photo], anonymous="true")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.photos.count() == 1


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"school_code": "0000000000"}, 404, "没有找到该学校"),
    ({"school_code": "__A1__", "answer": "99"}, 400, "验证题答案不正确"),
    ({"school_code": "__A1__", "text": "差"}, 400, "至少 5 个字"),
    ({"school_code": "__A1__", "website": "x"}, 400, "提交未通过校验"),
])
def test_api_refuses_with_chinese_reasons(cast, team, client, fields, status, message):
    if fields["school_code"] == "__A1__":
        fields["school_code"] = cast.A1.code
    response = _api_submit(client, **fields)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_api_shares_the_rate_limit_with_the_form(cast, team, client, settings):
    settings.DUDAO_COMPLAINTS_PER_IP_PER_HOUR = 1
    assert _form(client, cast.A1).status_code == 302

    response = _api_submit(client, school_code=cast.A2.code)

    assert response.status_code == 429 and "太频繁" in response.json()["detail"]


def test_api_status_of_an_answered_complaint_hides_internals(cast, team, client):
    complaint = submit(cast.A1)
    complaint_triage(by=cast.county_staff, complaint=complaint, outcome=ComplaintOutcome.REFERRED, public_answer=ANSWER,
                     referred_to="宁乡市市场监督管理局", note=INTERNAL)

    status = client.get(reverse("api-1:complaint_status", args=[complaint.tracking_code])).json()

    assert status["answer"] == ANSWER and status["state_label"] == "已转有关部门办理"
    assert [s["label"] for s in status["timeline"]] == ["已受理", "已转有关部门办理"]
    assert INTERNAL not in str(status) and PHONE not in str(status)
    assert client.get(reverse("api-1:complaint_status", args=["ZZZZZZZZZZ"])).status_code == 404


def test_nothing_public_is_served_from_the_media_folder(cast, team, client):
    complaint = submit(cast.A1, photos=[jpeg_bytes()])
    page = client.get(reverse("public:complaint_track"), {"code": complaint.tracking_code}).content.decode()
    # photos are for the handlers only (complaints:photo, behind the scope)
    assert "/media/" not in page and "complaints/photos" not in page and "<img" not in page
