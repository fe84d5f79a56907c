"""The built-ins: each file loads, validates where its source gives figures (or its note names the
gaps), and is read-only for everyone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dudao.frameworks import services
from dudao.frameworks.builtin import builtin_files, builtin_load, frameworks_install_builtin
from dudao.frameworks.models import Framework, Indicator, VersionState

EXPECTED_TOPICS = {"开学工作", "有偿补课", "校园安全", "双减/五项管理", "食堂", "大班额", "学校办学质量",
                   "义务教育质量评价", "幼儿园保育教育质量", "管理标准化学校"}


def test_every_file_installs_once(db):
    files = builtin_files()
    assert len(files) >= 10
    assert frameworks_install_builtin() == len(files)
    assert frameworks_install_builtin() == 0  # idempotent
    assert Framework.objects.filter(owner__isnull=True).count() == len(files)


def test_the_topics_of_the_issue_are_all_there(builtins):
    assert EXPECTED_TOPICS <= {f.topic for f in builtins.values()}


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.stem)
def test_each_builtin_loads_and_adds_up(builtins, path):
    data = builtin_load(path)
    framework = builtins[data["key"]]
    assert framework.source and framework.evidence_grade
    version = framework.versions.get()
    assert version.state == VersionState.PUBLISHED
    nodes = list(version.indicators.all())
    assert len(nodes) == _count(data["indicators"])
    problems = services.version_problems(version)
    gaps = data.get("known_gaps", [])
    # Where the source's own figures do not add up, the problems name exactly the documented codes,
    # and the version's note says so; everywhere else nothing is wrong.
    assert sorted({p.split("」")[0].split("「")[1] for p in problems}) == sorted(gaps), problems
    for code in gaps:
        assert f"「{code}」" in version.note


def _count(items) -> int:
    return sum(1 + _count(item.get("children") or []) for item in items)


def test_year_specific_items_ship_inactive(builtins):
    version = builtins["kaixue-2022-graded"].versions.get()
    inactive = set(version.indicators.filter(active=False).values_list("code", flat=True))
    assert {"1", "2", "3", "4"} <= inactive
    assert version.indicators.get(code="5").active


def test_texts_are_verbatim_and_key_items_marked(builtins):
    version = builtins["shuangjian-wuxiang"].versions.get()
    item = version.indicators.get(code="7")
    assert item.text == "是否做到小学一二年级不布置书面家庭作业，小学其他年级每天书面作业完成时间不超过60分钟，初中不超过90分钟"
    assert item.is_key


def test_hainan_points_as_the_source_gives_them(builtins):
    version = builtins["hainan-school-quality"].versions.get()
    c1 = version.indicators.get(code="C1")
    assert [(k.code, k.max_score) for k in c1.children.order_by("order")] == [("C1.1", 8), ("C1.2", 12)]
    assert c1.max_score == 20  # 8 + 12: this one adds up
    problems = services.version_problems(version)
    assert "「B1」的下级指标分值合计 55，与其分值 70 不一致。" in problems


def test_builtins_are_read_only_for_everyone(cast, builtins):
    framework = builtins["shitang"]
    version = framework.versions.get()
    node = version.indicators.get(code="1.1")
    for attempt in (
        lambda: services.indicator_update(by=cast.admin, indicator=node, text="改"),
        lambda: services.indicator_delete(by=None, indicator=node),
        lambda: services.version_new_draft(by=cast.admin, framework=framework),
        lambda: services.framework_set_active(by=cast.admin, framework=framework, active=False),
        lambda: services.framework_update(by=cast.admin, framework=framework, name="改名"),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "内置指标体系只读" in exc.value.messages[0]
    assert Indicator.objects.get(pk=node.pk).text == node.text


def test_the_weights_builtin_adds_up_to_one_and_a_copy_is_checked(cast, county_office, builtins):
    source = builtins["hubei-kindergarten"]
    assert sum(source.versions.get().indicators.filter(parent=None).values_list("weight", flat=True)) == 1
    copy = services.framework_copy(by=cast.county_staff, source=source, owner=county_office)
    version = copy.versions.get()
    services.indicator_update(by=cast.county_staff, indicator=version.indicators.get(code="A5"), weight="0.1")
    assert "一级指标的权重合计 0.95（「A1」0.15、「A2」0.2、「A3」0.25、「A4」0.25、「A5」0.1），应为 1。" in services.version_problems(version)
