"""Plaque downloads and batches as an office worker, a supervisor and a school use them."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from dudao.people.models import User
from dudao.schools.models import School
from dudao.supervisors.services import supervisor_create
from dudao.zones.models import PlaqueBatch, PlaqueBatchStatus
from dudao.zones.plaques import plaque_batch_create, plaque_batch_run
from dudao.zones.services import zone_add_schools, zone_create
from tests.zones.plaques_helpers import page_count, page_texts, pdf_text


@pytest.fixture
def zone(team, cast):
    zone = zone_create(office=team.office, name="玉潭责任区", head=team.wang)
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2, cast.A3])
    return zone


def test_office_downloads_one_school_plaque_as_a_pdf_attachment(cast, team, client):
    client.force_login(cast.county_staff)

    response = client.get(reverse("zones:plaque_school", args=[cast.A1.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''" + quote(f"{cast.A1.name}-责任督学挂牌督导公示牌.pdf", safe="")
    )
    assert cast.A1.name in pdf_text(response.content)


def test_responsible_supervisor_downloads_the_plaque_of_an_assigned_school(cast, team, client):
    user = User.objects.create_user(username="t_wang", password="x", full_name="王建国")
    team.wang.user = user
    team.wang.save(update_fields=["user"])
    # The account's role comes from the supervisor record (supervisor_ensure_role).
    from dudao.supervisors.services import supervisor_ensure_role

    supervisor_ensure_role(supervisor=team.wang)
    client.force_login(user)

    assert client.get(reverse("zones:plaque_school", args=[cast.A1.pk])).status_code == 200
    assert client.get(reverse("zones:plaque_school", args=[cast.A3.pk])).status_code == 404


def test_zone_colleague_sees_the_school_but_may_not_print_its_plaque(cast, team, zone, client):
    user = User.objects.create_user(username="t_colleague", password="x", full_name="同区督学")
    colleague = supervisor_create(by=None, office=team.office, name="赵同事", kind="part_time", level="county",
                                  phone="13700001111", user=user)
    zone.members.add(colleague)
    client.force_login(user)

    assert client.get(reverse("schools:detail", args=[cast.A1.pk])).status_code == 200
    assert client.get(reverse("zones:plaque_school", args=[cast.A1.pk])).status_code == 403


def test_creating_a_batch_needs_post(cast, team, zone, client):
    client.force_login(cast.county_staff)

    assert client.get(reverse("zones:plaque_zone", args=[zone.pk])).status_code == 405
    assert not PlaqueBatch.objects.exists()


def test_small_zone_batch_renders_at_once_with_one_page_per_school(cast, team, zone, client):
    client.force_login(cast.county_staff)

    response = client.post(reverse("zones:plaque_zone", args=[zone.pk]))

    batch = PlaqueBatch.objects.get()
    assert response["Location"] == reverse("zones:plaque_batch", args=[batch.pk])
    assert (batch.status, batch.done, batch.total, batch.created_by) == (PlaqueBatchStatus.SUCCEEDED, 3, 3, cast.county_staff)
    download = client.get(reverse("zones:plaque_batch_download", args=[batch.pk]))
    pdf = b"".join(download.streaming_content)
    assert page_count(pdf) == 3
    names = dict(School.objects.filter(pk__in=batch.school_ids).values_list("pk", "name"))
    assert all(names[pk] in text for pk, text in zip(batch.school_ids, page_texts(pdf), strict=True))
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(f"{batch.title}.pdf", safe="")


def test_batch_page_polls_while_pending_and_offers_the_download_when_done(
    cast, team, zone, client, settings, django_capture_on_commit_callbacks
):
    settings.DUDAO_PLAQUE_INLINE_MAX_SCHOOLS = 1
    client.force_login(cast.county_staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("zones:plaque_zone", args=[zone.pk]))
    batch = PlaqueBatch.objects.get()

    page = client.get(response["Location"]).content.decode()
    assert batch.status == PlaqueBatchStatus.PENDING
    assert 'hx-trigger="every 1s"' in page and "排队中" in page and "已生成 0 / 3 所学校" in page
    assert reverse("zones:plaque_batch_download", args=[batch.pk]) not in page
    assert client.get(reverse("zones:plaque_batch_download", args=[batch.pk])).status_code == 404

    # when: the worker runs the enqueued task (the test backend runs it at once)
    for callback in callbacks:
        callback()

    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial
    assert "已完成" in partial and "已生成 3 / 3 所学校" in partial
    assert f'href="{reverse("zones:plaque_batch_download", args=[batch.pk])}"' in partial


def test_office_batch_prints_every_school_its_zones_cover(cast, team, client):
    client.force_login(cast.county_staff)

    client.post(reverse("zones:plaque_office", args=[team.office.pk]))

    batch = PlaqueBatch.objects.get()
    assert sorted(batch.school_ids) == sorted([cast.A1.pk, cast.A2.pk, cast.A3.pk])
    assert batch.status == PlaqueBatchStatus.SUCCEEDED
    assert "1 所学校暂无责任督学" in batch.message  # A3


def test_empty_zone_says_so_in_chinese(cast, team, client):
    empty = zone_create(office=team.office, name="空责任区")
    client.force_login(cast.county_staff)

    response = client.post(reverse("zones:plaque_zone", args=[empty.pk]), follow=True)

    assert "没有可打印公示牌的在办学校" in response.content.decode()
    assert not PlaqueBatch.objects.exists()


def test_running_a_batch_twice_renders_it_once(cast, team):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡", schools=[cast.A1])
    plaque_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    first = (batch.file.name, batch.finished_at)

    plaque_batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert (batch.file.name, batch.finished_at) == first


def test_a_crash_fails_the_batch_with_a_chinese_message(cast, team, monkeypatch):
    from dudao.zones import plaques

    def broken(html: str) -> bytes:
        raise RuntimeError("renderer down")

    monkeypatch.setattr(plaques, "html_to_pdf", broken)
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡", schools=[cast.A1])

    plaque_batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert batch.status == PlaqueBatchStatus.FAILED
    assert batch.message == "生成公示牌时发生系统错误，请稍后重试或联系管理员。"
    assert not batch.file


def test_batch_is_seen_only_by_its_creator_and_admins(cast, team, client):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    plaque_batch_run(batch_id=batch.pk)

    for user, status in ((cast.county_staff, 200), (cast.admin, 200), (cast.city_staff, 404), (cast.county_leader, 404)):
        client.force_login(user)
        assert client.get(reverse("zones:plaque_batch", args=[batch.pk])).status_code == status, user
        assert client.get(reverse("zones:plaque_batch_download", args=[batch.pk])).status_code == status, user
