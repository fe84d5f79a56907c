"""Services of the library: the draft tree, the sums checked before publishing (hand-computed), the
versions, copies and who may act."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.frameworks import services
from dudao.frameworks.models import FrameworkShape, Indicator, ScoringType, VersionState, Weighting


@pytest.fixture
def draft(cast, county_office):
    """宁乡's points framework, total 20: A1 (10) = B1 6 + B2 4; A2 (10) = B3 10 (rubric)."""
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="宁乡综合评价",
                                          shape=FrameworkShape.WEIGHTED, total_score=Decimal(20))
    version = framework.versions.get()
    a1 = services.indicator_add(by=cast.county_staff, version=version, code="A1", text="办学条件", max_score=10)
    services.indicator_add(by=cast.county_staff, version=version, parent=a1, code="B1", text="校舍安全",
                           scoring=ScoringType.POINTS, max_score=6)
    services.indicator_add(by=cast.county_staff, version=version, parent=a1, code="B2", text="消防器材",
                           scoring=ScoringType.YES_NO, max_score=4, is_veto=True)
    a2 = services.indicator_add(by=cast.county_staff, version=version, code="A2", text="教育教学", max_score=10)
    services.indicator_add(by=cast.county_staff, version=version, parent=a2, code="B3", text="课程开设",
                           scoring=ScoringType.RUBRIC, max_score=10,
                           levels=[{"label": "好", "score": 10}, {"label": "中", "score": 6}, {"label": "差", "score": 2}])
    services.grade_bands_set(by=cast.county_staff, version=version,
                             bands=[services.Band("合格", Decimal(12)), services.Band("优秀", Decimal(18))])
    return version


def test_a_consistent_draft_has_no_problems_and_publishes(cast, draft):
    assert services.version_problems(draft) == []
    published = services.version_publish(by=cast.county_staff, version=draft)
    assert published.state == VersionState.PUBLISHED and published.published_at
    assert [b.label for b in published.grade_bands.all()] == ["优秀", "合格"]  # highest first


def test_children_points_must_add_up_to_the_parent(cast, draft):
    b1 = draft.indicators.get(code="B1")
    services.indicator_update(by=cast.county_staff, indicator=b1, max_score="5.5")
    problems = services.version_problems(draft)
    # A1: 5.5 + 4 = 9.5 ≠ 10; the top level 10 + 10 = 20 still equals the total
    assert problems == ["「A1」的下级指标分值合计 9.5，与其分值 10 不一致。"]
    with pytest.raises(ValidationError) as exc:
        services.version_publish(by=cast.county_staff, version=draft)
    assert exc.value.messages == problems
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


def test_top_level_must_add_up_to_the_total(cast, draft):
    services.version_update(by=cast.county_staff, version=draft, weighting=Weighting.POINTS, total_score="100")
    assert services.version_problems(draft) == ["一级指标分值合计 20，与总分 100 不一致。"]


def test_publishing_without_a_total_takes_the_top_level_sum(cast, draft):
    services.version_update(by=cast.county_staff, version=draft, weighting=Weighting.POINTS, total_score=None)
    assert services.version_publish(by=cast.county_staff, version=draft).total_score == Decimal(20)


def test_weights_among_siblings_add_up_to_one(cast, draft):
    services.version_update(by=cast.county_staff, version=draft, weighting=Weighting.WEIGHTS, total_score=None)
    a1, a2 = draft.indicators.get(code="A1"), draft.indicators.get(code="A2")
    services.indicator_update(by=cast.county_staff, indicator=a1, weight="0.15")
    services.indicator_update(by=cast.county_staff, indicator=a2, weight="0.8")
    assert services.version_problems(draft) == ["一级指标的权重合计 0.95（「A1」0.15、「A2」0.8），应为 1。"]
    services.indicator_update(by=cast.county_staff, indicator=a2, weight="0.85")
    assert services.version_problems(draft) == []


def test_a_missing_weight_is_named(cast, draft):
    services.version_update(by=cast.county_staff, version=draft, weighting=Weighting.WEIGHTS, total_score=None)
    services.indicator_update(by=cast.county_staff, indicator=draft.indicators.get(code="A1"), weight="1")
    assert services.version_problems(draft) == ["一级指标中 「A2」 没有权重。"]


def test_rubric_level_above_the_item_points(cast, draft):
    b3 = draft.indicators.get(code="B3")
    services.indicator_update(by=cast.county_staff, indicator=b3, levels=[{"label": "好", "score": 12}, "差"])
    assert services.version_problems(draft) == ["「B3」的等级 好 的分值超过该项分值 10。"]


def test_inactive_items_count_for_nothing(cast, draft):
    services.indicator_add(by=cast.county_staff, version=draft, parent=draft.indicators.get(code="A1"), code="B9",
                           text="2021年专项", scoring=ScoringType.POINTS, max_score=3, active=False)
    assert services.version_problems(draft) == []


def test_codes_are_unique_within_a_version(cast, draft):
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(by=cast.county_staff, version=draft, code="B1", text="重复")
    assert exc.value.message_dict == {"code": ["编号「B1」在该版本中已存在。"]}


def test_bad_numbers_are_refused_in_chinese(cast, draft):
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(by=cast.county_staff, version=draft, code="X", text="x", max_score="十分")
    assert exc.value.message_dict == {"max_score": ["分值应为数字。"]}
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(by=cast.county_staff, version=draft, code="X", text="x", weight="1.5")
    assert exc.value.message_dict == {"weight": ["权重应在 0 到 1 之间（如 0.15）。"]}


def test_move_relevels_the_subtree_and_refuses_cycles(cast, draft):
    a1, a2 = draft.indicators.get(code="A1"), draft.indicators.get(code="A2")
    services.indicator_move(by=cast.county_staff, indicator=a2, parent=a1)
    assert Indicator.objects.get(code="B3", version=draft).level == 3
    with pytest.raises(ValidationError) as exc:
        services.indicator_move(by=cast.county_staff, indicator=a1, parent=draft.indicators.get(code="B3"))
    assert exc.value.message_dict == {"parent": ["不能把「A1」移到它自己或它的下级指标之下。"]}


def test_delete_takes_the_subtree(cast, draft):
    services.indicator_delete(by=cast.county_staff, indicator=draft.indicators.get(code="A1"))
    assert sorted(draft.indicators.values_list("code", flat=True)) == ["A2", "B3"]


def test_a_published_version_never_changes_editing_makes_a_new_draft(cast, draft):
    published = services.version_publish(by=cast.county_staff, version=draft)
    with pytest.raises(ValidationError) as exc:
        services.indicator_update(by=cast.county_staff, indicator=published.indicators.get(code="B1"), text="改")
    assert "已发布的版本不能修改" in exc.value.messages[0]
    new = services.version_new_draft(by=cast.county_staff, framework=published.framework)
    assert (new.number, new.state) == (2, VersionState.DRAFT)
    assert sorted(new.indicators.values_list("code", "parent__code")) == sorted(
        published.indicators.values_list("code", "parent__code"))
    assert new.grade_bands.count() == 2
    # the draft is reused until published
    assert services.version_new_draft(by=cast.county_staff, framework=published.framework) == new
    services.indicator_update(by=cast.county_staff, indicator=new.indicators.get(code="B1"), text="校舍安全（新）")
    assert published.indicators.get(code="B1").text == "校舍安全"


def test_only_the_owning_office_staff_and_admins_edit(cast, draft):
    node = draft.indicators.get(code="B1")
    for user in (cast.county_leader, cast.city_staff, cast.province_staff, cast.supervisor, cast.school_user, cast.multi):
        with pytest.raises(PermissionDenied):
            services.indicator_update(by=user, indicator=node, text="改")
    services.indicator_update(by=cast.admin, indicator=node, text="管理员修改")


def test_copy_a_builtin_into_the_office(cast, county_office, builtins):
    source = builtins["kaixue-2020"]
    copy = services.framework_copy(by=cast.county_staff, source=source, owner=county_office)
    assert (copy.owner, copy.copied_from, copy.name) == (county_office, source, f"{source.name}（副本）")
    version = copy.versions.get()
    assert version.state == VersionState.DRAFT
    original = source.versions.get()
    assert version.indicators.count() == original.indicators.count()
    assert version.indicators.get(code="7").evidence == original.indicators.get(code="7").evidence
    # the copy is the office's to edit and publish
    services.indicator_update(by=cast.county_staff, indicator=version.indicators.get(code="3"), text="实验室保障")
    assert services.version_publish(by=cast.county_staff, version=version).state == VersionState.PUBLISHED


def test_copy_only_into_ones_own_office(cast, county_office, builtins):
    for user in (cast.county_leader, cast.city_staff, cast.supervisor):
        with pytest.raises(PermissionDenied):
            services.framework_copy(by=user, source=builtins["shitang"], owner=county_office)


def test_deactivate(cast, draft):
    framework = services.framework_set_active(by=cast.county_staff, framework=draft.framework, active=False)
    assert framework.active is False


@pytest.mark.parametrize("persona", ["admin", "province_staff", "city_staff", "county_staff", "county_leader", "supervisor",
                                     "school_user", "evaluator", "outsider", "multi", "nobody"])
def test_the_rules_and_the_services_agree_for_every_persona(cast, draft, county_office, persona):
    from dudao.access import may_edit_framework, may_own_framework

    user = getattr(cast, persona)
    owner = persona in {"admin", "county_staff"}  # the owning office's staff, and admins
    assert may_edit_framework(user, draft.framework) is owner
    assert may_own_framework(user, county_office) is owner
    node = draft.indicators.get(code="B1")
    if owner:
        services.indicator_update(by=user, indicator=node, note=persona)
        assert Indicator.objects.get(pk=node.pk).note == persona
    else:
        with pytest.raises(PermissionDenied) as exc:
            services.indicator_update(by=user, indicator=node, note=persona)
        assert str(exc.value) == "只有该指标体系所属督导室的工作人员或系统管理员可以修改。"
        with pytest.raises(PermissionDenied):
            services.framework_create(by=user, owner=county_office, name="越权", shape=FrameworkShape.CHECKLIST)
