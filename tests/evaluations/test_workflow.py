"""The review chain (evaluations/workflow.py): who may take which step, returns with reasons, the
county editing only while it holds the dossier, every step logged with who, when and the comment."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.evaluations import services, workflow
from dudao.evaluations.models import DossierState


def test_the_whole_chain(cast, passing, verification):
    d = passing
    assert workflow.may_edit(cast.county_staff, d)
    services.dossier_step(by=cast.county_staff, dossier=d, name="apply", note="请审核")
    d.refresh_from_db()
    assert d.state == DossierState.CITY_REVIEW and d.applied_at is not None
    # the county no longer edits
    assert not workflow.may_edit(cast.county_staff, d)
    with pytest.raises(PermissionDenied):
        services.item_save(by=cast.county_staff, dossier=d, code="G1", met=False)
    # the city returns with a reason (required)
    with pytest.raises(ValidationError):
        services.dossier_step(by=cast.city_staff, dossier=d, name="city_return", note="")
    services.dossier_step(by=cast.city_staff, dossier=d, name="city_return", note="G1 缺布局规划批复")
    d.refresh_from_db()
    assert d.state == DossierState.DRAFT and workflow.may_edit(cast.county_staff, d)
    services.item_save(by=cast.county_staff, dossier=d, code="G1", met=True, note="已补批复")
    services.dossier_step(by=cast.county_staff, dossier=d, name="apply")
    services.dossier_step(by=cast.city_staff, dossier=d, name="city_forward", note="同意上报")
    d.refresh_from_db()
    assert d.state == DossierState.PROVINCE_REVIEW
    # the province cannot submit without its on-site verification
    with pytest.raises(ValidationError) as refused:
        services.dossier_step(by=cast.province_staff, dossier=d, name="submit_national")
    assert "请先关联省级实地核查的督政项目。" in refused.value.messages
    services.dossier_set_campaign(by=cast.province_staff, dossier=d, campaign=verification)
    services.dossier_step(by=cast.province_staff, dossier=d, name="submit_national", note="省级评估通过")
    services.dossier_step(by=cast.province_staff, dossier=d, name="recognise", note="国家认定文件")
    d.refresh_from_db()
    assert d.state == DossierState.RECOGNISED
    log = [(e.action, e.by.username if e.by else None, e.comment) for e in d.events.order_by("at", "id")]
    assert log[0][:2] == ("created", "t_county")
    steps = [row for row in log if row[0] not in ("created", "campaign")]
    assert steps == [("apply", "t_county", "请审核"), ("city_return", "t_city", "G1 缺布局规划批复"), ("apply", "t_county", ""),
                     ("city_forward", "t_city", "同意上报"), ("submit_national", "t_province", "省级评估通过"),
                     ("recognise", "t_province", "国家认定文件")]


def test_a_failing_dossier_is_not_submitted(cast, failing, verification):
    d = failing
    services.dossier_step(by=cast.county_staff, dossier=d, name="apply")
    services.dossier_step(by=cast.city_staff, dossier=d, name="city_forward")
    services.dossier_set_campaign(by=cast.province_staff, dossier=d, campaign=verification)
    with pytest.raises(ValidationError) as refused:
        services.dossier_step(by=cast.province_staff, dossier=d, name="submit_national")
    assert refused.value.messages == ["评估结论尚未达到认定要求，不能报国家认定。"]
    services.dossier_step(by=cast.province_staff, dossier=d, name="province_return", note="初中差异系数超标")
    d.refresh_from_db()
    assert d.state == DossierState.CITY_REVIEW


@pytest.mark.parametrize("persona, levels", [
    ("admin", {"county", "city", "province"}), ("province_staff", {"province"}), ("city_staff", {"city"}),
    ("county_staff", {"county"}), ("county_leader", set()), ("multi", set()), ("supervisor", set()), ("nobody", set()),
])
def test_levels(cast, passing, persona, levels):
    assert workflow.levels_of(getattr(cast, persona), passing) == levels


@pytest.mark.parametrize("persona, step", [
    ("city_staff", "apply"), ("province_staff", "apply"), ("county_leader", "apply"), ("multi", "apply"),
])
def test_only_the_level_takes_its_step(cast, passing, persona, step):
    with pytest.raises(PermissionDenied):
        services.dossier_step(by=getattr(cast, persona), dossier=passing, name=step)
    passing.refresh_from_db()
    assert passing.state == DossierState.DRAFT


def test_the_county_cannot_take_the_city_step(cast, passing):
    services.dossier_step(by=cast.county_staff, dossier=passing, name="apply")
    with pytest.raises(PermissionDenied):
        services.dossier_step(by=cast.county_staff, dossier=passing, name="city_forward")
    with pytest.raises(PermissionDenied):
        services.dossier_step(by=cast.province_staff, dossier=passing, name="city_forward")
    with pytest.raises(ValidationError) as refused:  # the state does not allow it
        services.dossier_step(by=cast.province_staff, dossier=passing, name="submit_national")
    assert refused.value.messages == ["申报材料当前为“市级审核中”，不能执行“报国家认定”。"]


def test_the_office_whose_turn_it_is_is_told(cast, passing):
    from dudao.notifications.models import Notification

    services.dossier_step(by=cast.county_staff, dossier=passing, name="apply", note="请审核")
    told = Notification.objects.filter(title__contains="宁乡市2026年优质均衡申报材料：提交申报")
    assert {n.recipient.username for n in told} == {"t_city"} and told.get().body == "请审核"
    services.dossier_step(by=cast.city_staff, dossier=passing, name="city_return", note="补材料")
    returned = Notification.objects.filter(title__contains="退回县级修改")
    assert {n.recipient.username for n in returned} == {"t_county", "t_leader"}  # the county office's staff and leader
