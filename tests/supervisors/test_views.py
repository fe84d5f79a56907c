"""Team pages as a county office worker (and others) read them, in Chinese."""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dudao.supervisors.models import Supervisor, SupervisorStatus, TrainingSession
from dudao.supervisors.services import training_attendance_set, training_session_create
from dudao.zones.models import Assignment
from dudao.zones.services import assignment_create
from tests.supervisors.conftest import image_upload
from tests.xlsx import xlsx_rows


def names_in(html: str) -> list[str]:
    return re.findall(r'<td><a href="/supervisors/\d+/">([^<]+)</a></td>', html)




def form_data(office, **extra) -> dict:
    data = {"office": office.pk, "name": "周汉学", "gender": "male", "birth_date": "1972-05-06", "phone": "13907311234",
            "kind": "full_time", "level": "county", "appointed_on": "2023-08-15", "appointing_body": "宁乡市人民政府",
            "letter_no": "", "certificate_no": "湘督证0001", "background": "principal", "former_post": "", "degree": "bachelor",
            "title": "senior", "note": "", "username": ""}
    data.update(extra)
    return data


# --- list, search, filters, export -----------------------------------------------------------------


def test_list_search_and_filters(cast, client, make_supervisor):
    make_supervisor("李命均", kind="full_time", certificate_no="湘督证4301820001", background="principal")
    make_supervisor("袁礼", kind="part_time", phone="13712345678")
    client.force_login(cast.county_staff)
    assert names_in(client.get(reverse("supervisors:list")).content.decode()) == ["李命均", "袁礼"]
    assert names_in(client.get(reverse("supervisors:list"), {"kind": "part_time"}).content.decode()) == ["袁礼"]
    assert names_in(client.get(reverse("supervisors:list"), {"q": "4301820001"}).content.decode()) == ["李命均"]
    assert names_in(client.get(reverse("supervisors:list"), {"q": "1371234"}).content.decode()) == ["袁礼"]
    assert names_in(client.get(reverse("supervisors:list"), {"background": "principal"}).content.decode()) == ["李命均"]
    page = client.get(reverse("supervisors:list"), {"q": "不存在"}).content.decode()
    assert "没有符合条件的督学" in page and "共 0 人" in page


def test_htmx_request_gets_only_the_results(cast, client, make_supervisor):
    make_supervisor("李命均")
    client.force_login(cast.county_staff)
    html = client.get(reverse("supervisors:list"), HTTP_HX_REQUEST="true").content.decode()
    assert names_in(html) == ["李命均"] and "<form" not in html


def test_pagination_and_query_budget(cast, client, make_supervisor, django_assert_max_num_queries):
    for i in range(45):
        make_supervisor(f"分页督学{i:02d}")
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("supervisors:list")).content.decode()
    assert len(names_in(first)) == 20 and "第 1 / 3 页" in first
    assert len(names_in(client.get(reverse("supervisors:list"), {"page": 3}).content.decode())) == 5


def test_the_office_reads_full_numbers_in_list_detail_and_export(cast, client, make_supervisor):
    supervisor = make_supervisor("李命均", phone="13812345678")
    client.force_login(cast.county_staff)
    assert '<td class="text-nowrap" data-testid="phone">13812345678</td>' in client.get(reverse("supervisors:list")).content.decode()
    assert "13812345678" in client.get(reverse("supervisors:detail", args=[supervisor.pk])).content.decode()
    rows = xlsx_rows(client.get(reverse("supervisors:export")))
    assert rows[0][:4] == ["姓名", "性别", "出生日期", "手机号"] and rows[1][0] == "李命均" and rows[1][3] == "13812345678"


def test_a_persona_outside_the_office_reads_no_number(cast, client, make_supervisor):
    supervisor = make_supervisor("李命均", phone="13812345678")
    client.force_login(cast.outsider)
    for response in (client.get(reverse("supervisors:list")), client.get(reverse("supervisors:list"), {"q": "13812345678"})):
        html = response.content.decode()
        assert names_in(html) == [] and 'data-testid="phone"' not in html and "没有符合条件的督学" in html
    assert client.get(reverse("supervisors:detail", args=[supervisor.pk])).status_code == 404
    assert xlsx_rows(client.get(reverse("supervisors:export")))[1:] == []


def test_a_supervisor_sees_their_own_record_with_their_number(cast, client, make_supervisor):
    own = make_supervisor("宁乡督学", phone="13812345678", user=cast.supervisor)
    other = make_supervisor("同事督学")
    client.force_login(cast.supervisor)
    assert names_in(client.get(reverse("supervisors:list")).content.decode()) == ["宁乡督学"]
    assert "13812345678" in client.get(reverse("supervisors:detail", args=[own.pk])).content.decode()
    assert client.get(reverse("supervisors:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("supervisors:edit", args=[own.pk]), form_data(own.office)).status_code == 403


# --- detail -------------------------------------------------------------------------------------------


def test_detail_shows_terms_warnings_history_assignments_and_hours(cast, client, ningxiang, make_supervisor):
    from dudao.supervisors.services import term_add

    supervisor = make_supervisor("袁礼", kind="part_time", appointed_on=date(2014, 1, 1))
    for n, year in enumerate((2014, 2017, 2020, 2023), start=1):
        term_add(supervisor=supervisor, number=n, starts_on=date(year, 1, 1), ends_on=date(year + 2, 12, 31))
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2024, 9, 1))
    session = training_session_create(by=None, office=ningxiang, topic="教育督导工作培训暨工作部署会",
                                       held_on=timezone.localdate(), hours=Decimal(8))
    training_attendance_set(session=session, supervisors=[supervisor])
    client.force_login(cast.county_leader)
    page = client.get(reverse("supervisors:detail", args=[supervisor.pk])).content.decode()
    assert "已连续聘任 4 届，兼职督学连续聘任一般不得超过 3 届。" in page
    assert "聘任（任命）" in page and cast.A1.name in page and "教育督导工作培训暨工作部署会" in page
    assert 'data-testid="hours-warning"' in page and "尚缺 32 学时" in page
    assert "编辑" not in page and "确认变更" not in page  # the leader reads only


# --- forms ----------------------------------------------------------------------------------------------


def test_create_registers_the_supervisor_and_the_entry(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, photo_upload=image_upload()))
    supervisor = Supervisor.objects.get(name="周汉学")
    assert response.status_code == 302 and response["Location"] == reverse("supervisors:detail", args=[supervisor.pk])
    assert (supervisor.office, supervisor.status, supervisor.certificate_no) == (ningxiang, "active", "湘督证0001")
    assert supervisor.status_events.get().effective_on == date(2023, 8, 15)
    with Image.open(supervisor.photo.path) as photo:
        assert (photo.format, max(photo.size)) == ("JPEG", 600)
    served = client.get(reverse("supervisors:photo", args=[supervisor.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_blank_level_follows_the_office(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    assert '<option value="" selected>按所属督导室</option>' in client.get(reverse("supervisors:create")).content.decode()
    client.post(reverse("supervisors:create"), form_data(ningxiang, level=""))
    assert Supervisor.objects.get().level == "county"


def test_errors_are_in_chinese_and_keep_what_was_typed(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, phone="0731-123", name="", kind="",
                                                                    former_post="宁乡市玉潭中学校长"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写 11 位手机号，如 13812345678。" in page and "请填写姓名。" in page and "请选择类别（专职或兼职）。" in page
    assert 'value="宁乡市玉潭中学校长"' in page and 'value="0731123"' not in page and 'value="0731-123"' in page
    assert not Supervisor.objects.exists()


def test_the_office_must_be_one_the_user_manages(cast, client, liuyang):
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), form_data(liuyang))
    assert response.status_code == 400 and "您无权管理该督导室的督学。" in response.content.decode()


def test_a_certificate_number_belongs_to_one_supervisor(cast, client, ningxiang, make_supervisor):
    make_supervisor("李命均", certificate_no="湘督证0001")
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), form_data(ningxiang))
    assert response.status_code == 400 and "督学证编号“湘督证0001”已被其他督学使用。" in response.content.decode()


def test_photo_upload_refuses_a_non_image(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>" * 10, content_type="image/jpeg")
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, photo_upload=fake))
    assert response.status_code == 400 and "文件不是有效的图片，请重新选择照片。" in response.content.decode()
    wrong_type = SimpleUploadedFile("photo.gif", b"GIF89a", content_type="image/gif")
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, photo_upload=wrong_type))
    assert "照片只支持 JPG、PNG 或 WebP 格式。" in response.content.decode()
    assert not Supervisor.objects.exists()


def test_photo_upload_refuses_a_huge_file(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    huge = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, photo_upload=huge))
    assert response.status_code == 400 and "照片不能超过 5 MB（现为 5.0 MB）。" in response.content.decode()
    assert not Supervisor.objects.exists()


def test_edit_replaces_the_photo_and_links_an_account(cast, client, ningxiang, make_supervisor,
                                                      django_capture_on_commit_callbacks):
    supervisor = make_supervisor("周汉学", certificate_no="湘督证0001")
    client.force_login(cast.county_staff)
    client.post(reverse("supervisors:edit", args=[supervisor.pk]), form_data(ningxiang, photo_upload=image_upload()))
    supervisor.refresh_from_db()
    first = supervisor.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervisors:edit", args=[supervisor.pk]),
                               form_data(ningxiang, photo_upload=image_upload("b.jpg", fmt="JPEG"), username=cast.nobody.username))
    supervisor.refresh_from_db()
    assert response.status_code == 302 and supervisor.user == cast.nobody and supervisor.photo.path != first
    assert not os.path.exists(first)
    assert cast.nobody.role_grants.get().role == "supervisor"


def test_unknown_accounts_and_accounts_with_other_roles_are_refused(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, username="no_such_user"))
    assert "账号“no_such_user”不存在或已停用。" in response.content.decode()
    response = client.post(reverse("supervisors:create"), form_data(ningxiang, username=cast.city_staff.username))
    assert f"账号“{cast.city_staff.username}”已有其他角色，请联系系统管理员关联。" in response.content.decode()
    assert not Supervisor.objects.exists()


def test_detail_and_stats_query_budget(cast, client, ningxiang, make_supervisor, django_assert_max_num_queries):
    team = [make_supervisor(f"督学{i}", appointed_on=date(2016, 1, 1), birth_date=date(1970, 1, 1)) for i in range(30)]
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervisors:detail", args=[team[0].pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervisors:stats"), {"since": "2015-01-01"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervisors:training_hours")).status_code == 200


# --- status and terms -------------------------------------------------------------------------------------


def test_status_change_requires_a_reason_and_ends_assignments(cast, client, make_supervisor):
    supervisor = make_supervisor("袁礼", appointed_on=date(2020, 1, 1))
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2024, 9, 1))
    client.force_login(cast.county_staff)
    url = reverse("supervisors:status", args=[supervisor.pk])
    response = client.post(url, {"status": "retired", "effective_on": "2025-02-01", "reason": ""})
    assert response.status_code == 400 and "请填写状态变更原因。" in response.content.decode()
    assert 'value="2025-02-01"' in response.content.decode()
    supervisor.refresh_from_db()
    assert supervisor.status == SupervisorStatus.ACTIVE and Assignment.objects.get().ends_on is None
    response = client.post(url, {"status": "retired", "effective_on": "2025-02-01", "reason": "任期届满"})
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.status == SupervisorStatus.RETIRED and Assignment.objects.get().ends_on == date(2025, 2, 1)
    assert "任期届满" in client.get(reverse("supervisors:detail", args=[supervisor.pk])).content.decode()


def test_term_add(cast, client, make_supervisor):
    supervisor = make_supervisor("袁礼", kind="part_time")
    client.force_login(cast.county_staff)
    url = reverse("supervisors:term_add", args=[supervisor.pk])
    response = client.post(url, {"number": 1, "starts_on": "2023-09-01", "ends_on": "2023-08-01"})
    assert response.status_code == 400 and "任期结束日期必须晚于开始日期。" in response.content.decode()
    assert client.post(url, {"number": 1, "starts_on": "2023-09-01", "ends_on": "2026-08-31"}).status_code == 302
    assert supervisor.terms.get().ends_on == date(2026, 8, 31)


def test_the_leader_reads_but_may_not_write(cast, client, ningxiang, make_supervisor):
    supervisor = make_supervisor("袁礼")
    client.force_login(cast.county_leader)
    assert client.get(reverse("supervisors:detail", args=[supervisor.pk])).status_code == 200
    for name, data in (("supervisors:edit", form_data(ningxiang)),
                       ("supervisors:status", {"status": "retired", "effective_on": "2030-01-01", "reason": "x"}),
                       ("supervisors:term_add", {"number": 1, "starts_on": "2023-09-01", "ends_on": "2026-08-31"})):
        assert client.post(reverse(name, args=[supervisor.pk]), data).status_code == 403, name
    assert client.get(reverse("supervisors:create")).status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.status == "active" and supervisor.name == "袁礼" and not supervisor.terms.exists()


def test_the_outsider_gets_404_on_the_detail(cast, client, make_supervisor):
    supervisor = make_supervisor("袁礼")
    client.force_login(cast.outsider)
    for name in ("supervisors:detail", "supervisors:edit", "supervisors:photo"):
        assert client.get(reverse(name, args=[supervisor.pk])).status_code == 404, name
    assert client.post(reverse("supervisors:status", args=[supervisor.pk]), {"status": "retired"}).status_code == 404


# --- statistics ----------------------------------------------------------------------------------------------


def test_stats_page_shows_the_change_sentence_and_charts(cast, client, ningxiang, make_supervisor):
    for i in range(3):
        make_supervisor(f"老督学{i}", appointed_on=date(2016, 3, 1), birth_date=date(1970, 1, 1))
    make_supervisor("新督学", appointed_on=date(2023, 8, 15), birth_date=date(1980, 1, 1), background="finance")
    client.force_login(cast.county_staff)
    page = client.get(reverse("supervisors:stats"), {"office": ningxiang.pk, "since": "2023-07-01", "day": "2023-09-01"}).content.decode()
    assert "专职督学由3人增加到4人，平均年龄由53岁降至50.5岁" in page
    assert 'data-testid="team-total">4<' in page and 'id="background-chart"' in page and 'data-chart="kind-chart"' in page
    assert "<script>" not in page  # charts come as JSON for charts.js (CSP)


def test_stats_default_to_the_widest_office_and_refuse_others(cast, client, liuyang):
    client.force_login(cast.county_staff)
    assert "宁乡" in client.get(reverse("supervisors:stats")).content.decode()
    assert client.get(reverse("supervisors:stats"), {"office": liuyang.pk}).status_code == 404
    client.force_login(cast.school_user)
    assert "没有可统计的督学队伍" in client.get(reverse("supervisors:stats")).content.decode()


# --- training ---------------------------------------------------------------------------------------------------


def test_training_create_tick_attendees_and_remove(cast, client, ningxiang, make_supervisor):
    team = [make_supervisor(f"参训督学{i}") for i in range(3)]
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:training_create"), {
        "office": ningxiang.pk, "topic": "2023年教育督导工作培训暨工作部署会", "held_on": "2023-08-25", "hours": "8",
        "mode": "concentrated", "organiser": "宁乡市人民政府教育督导室", "location": "玉潭街道中心小学"})
    session = TrainingSession.objects.get()
    assert response["Location"] == reverse("supervisors:training_detail", args=[session.pk])
    url = reverse("supervisors:training_detail", args=[session.pk])
    page = client.get(url).content.decode()
    assert all(s.name in page for s in team) and 'data-testid="attendee-count">0<' in page
    search = client.get(url, {"q": "参训督学1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "参训督学1" in search and "参训督学2" not in search
    assert client.post(url, {"supervisors": [team[0].pk, team[1].pk], "hours": ""}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="attendee-count">2<' in page
    assert session.attendance.get(supervisor=team[0]).hours == Decimal(8)
    client.post(reverse("supervisors:training_attendance_remove", args=[session.pk, team[0].pk]))
    assert list(session.attendance.values_list("supervisor__name", flat=True)) == ["参训督学1"]


def test_attendees_must_come_from_the_office(cast, client, ningxiang, liuyang, make_supervisor):
    stranger = make_supervisor("浏阳督学", office=liuyang)
    session = training_session_create(by=None, office=ningxiang, topic="培训", held_on=date(2024, 3, 1), hours=Decimal(8))
    client.force_login(cast.county_staff)
    response = client.post(reverse("supervisors:training_detail", args=[session.pk]), {"supervisors": [stranger.pk]})
    assert response.status_code == 400 and "所选督学不在可选范围内" in response.content.decode()
    assert not session.attendance.exists()


def test_training_hours_page_highlights_those_below_40_and_exports(cast, client, ningxiang, make_supervisor):
    done = make_supervisor("达标督学", appointed_on=date(2020, 1, 1))
    short = make_supervisor("未达标督学", appointed_on=date(2020, 1, 1))
    make_supervisor("2025年新聘督学", appointed_on=date(2025, 1, 1))  # not in post in 2024: not listed
    session = training_session_create(by=None, office=ningxiang, topic="集中培训", held_on=date(2024, 3, 1), hours=Decimal(40))
    training_attendance_set(session=session, supervisors=[done])
    training_attendance_set(session=session, supervisors=[short], hours=Decimal(12))
    client.force_login(cast.county_staff)
    page = client.get(reverse("supervisors:training_hours"), {"year": 2024}).content.decode()
    assert "在岗督学 2 人，其中 1 人集中培训未达到 40 学时。" in page
    assert re.search(r'<tr class="table-warning">\s*<td><a href="/supervisors/\d+/">未达标督学</a>', page)
    assert "缺 28 学时" in page
    only_below = client.get(reverse("supervisors:training_hours"), {"year": 2024, "below": "1"}).content.decode()
    assert names_in(only_below) == ["未达标督学"]
    rows = xlsx_rows(client.get(reverse("supervisors:training_hours_export"), {"year": 2024}))
    assert rows[0][3] == "集中培训学时"
    assert {r[0]: (r[3], r[5]) for r in rows[1:]} == {"达标督学": (40.0, "是"), "未达标督学": (12.0, "否")}
