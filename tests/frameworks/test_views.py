"""The library's pages as a user reads them: list with filters, the tree, editing a draft, publishing,
copying, Excel in and out."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.frameworks import services
from dudao.frameworks.excel import write_version
from dudao.frameworks.models import Framework, FrameworkShape, VersionState, Weighting
from tests.html_page import Html
from tests.xlsx import xlsx_rows


def _soup(response):
    assert response.status_code == 200, response.status_code
    return Html(response)


def _item(page, code: str):
    return page.find("div", **{"data-indicator": code})


@pytest.fixture
def ningxiang(cast, county_office):
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="宁乡开学检查",
                                          shape=FrameworkShape.CHECKLIST, topic="开学工作", weighting=Weighting.NONE)
    version = framework.versions.get()
    section = services.indicator_add(by=cast.county_staff, version=version, code="一", text="开学条件保障")
    services.indicator_add(by=cast.county_staff, version=version, parent=section, code="1", text="教职工是否及时到岗",
                           scoring="yes_no", evidence=["教职工花名册"], is_key=True)
    services.version_publish(by=cast.county_staff, version=version)
    return framework


def test_list_shows_builtins_and_the_offices_frameworks(cast, client, builtins, ningxiang):
    client.force_login(cast.county_staff)
    soup = _soup(client.get(reverse("frameworks:list")))
    names = [a.text for a in soup.find("table", testid="frameworks").find_all("a")]
    assert "宁乡开学检查" in names and builtins["shitang"].name in names
    assert soup.find_all("a", testid="create-framework")
    builtin_only = _soup(client.get(reverse("frameworks:list"), {"owner": "builtin"}))
    assert "宁乡开学检查" not in builtin_only.text
    by_topic = _soup(client.get(reverse("frameworks:list"), {"topic": "开学工作"}))
    rows = [r for r in by_topic.find_all("tr") if "data-framework" in r.attrs]
    assert len(rows) == 3  # two built-ins (2020 national, 2022 graded) and 宁乡's


def test_the_nav_menu_has_the_library_for_office_users(cast, client):
    client.force_login(cast.county_leader)
    assert _soup(client.get(reverse("core:home"), follow=True)).find_all("li", testid="nav-frameworks")
    client.force_login(cast.supervisor)
    assert not _soup(client.get(reverse("core:home"), follow=True)).find_all("li", testid="nav-frameworks")


def test_detail_shows_the_tree_with_its_marks_and_source(cast, client, builtins):
    client.force_login(cast.county_leader)
    framework = builtins["kaixue-2020"]
    soup = _soup(client.get(reverse("frameworks:detail", args=[framework.pk])))
    assert soup.text_of("h1") == framework.name
    assert "taowenge.com" in soup.text_of(testid="source")
    assert soup.text_of(testid="owner") == "内置（只读）"
    item = _item(soup, "7")
    assert "校舍安全年检记录" in item.find(testid="evidence").text
    assert not soup.find_all(testid="edit") and not soup.find_all(testid="new-draft")
    assert not soup.find_all(testid="copy")  # a leader copies nothing


def test_a_points_framework_shows_scores_and_the_gap_note(cast, client, builtins):
    client.force_login(cast.county_staff)
    soup = _soup(client.get(reverse("frameworks:detail", args=[builtins["hainan-school-quality"].pk])))
    assert _item(soup, "A1").find_all(testid="score")[0].text == "130 分"
    assert "「B1」" in soup.text_of(testid="version-note")


def test_create_edit_publish_through_the_pages(cast, client, county_office):
    client.force_login(cast.county_staff)
    response = client.post(reverse("frameworks:create"), {"owner": county_office.pk, "name": "宁乡综合评价",
                                                          "shape": "weighted", "weighting": "points", "total_score": "10"})
    framework = Framework.objects.get(name="宁乡综合评价")
    assert response["Location"] == reverse("frameworks:edit", args=[framework.pk])
    client.post(reverse("frameworks:indicator_add", args=[framework.pk]),
                {"code": "A1", "text": "办学条件", "max_score": "10", "active": "on"})
    a1 = framework.versions.get().indicators.get(code="A1")
    client.post(reverse("frameworks:indicator_add", args=[framework.pk]),
                {"parent": a1.pk, "code": "B1", "text": "校舍安全", "scoring": "points", "max_score": "6", "active": "on"})
    # 6 ≠ 10: the edit page names the problem and publishing is refused with it
    soup = _soup(client.get(reverse("frameworks:edit", args=[framework.pk])))
    assert "「A1」的下级指标分值合计 6，与其分值 10 不一致。" in soup.text_of(testid="problems")
    response = client.post(reverse("frameworks:publish", args=[framework.pk]), follow=True)
    assert "「A1」的下级指标分值合计 6" in response.content.decode()
    assert framework.versions.get().state == VersionState.DRAFT
    client.post(reverse("frameworks:indicator_add", args=[framework.pk]),
                {"parent": a1.pk, "code": "B2", "text": "消防器材", "scoring": "yes_no", "max_score": "4",
                 "is_veto": "on", "active": "on", "levels": ""})
    client.post(reverse("frameworks:edit", args=[framework.pk]),
                {"name": "宁乡综合评价", "weighting": "points", "total_score": "10", "grade_bands": "合格:6;不合格:0"})
    response = client.post(reverse("frameworks:publish", args=[framework.pk]))
    assert response["Location"] == reverse("frameworks:detail", args=[framework.pk])
    version = framework.versions.get()
    assert version.state == VersionState.PUBLISHED
    assert [(b.label, b.min_score) for b in version.grade_bands.all()] == [("合格", Decimal(6)), ("不合格", Decimal(0))]
    # editing again makes version 2; version 1 stays as it was
    client.post(reverse("frameworks:new_draft", args=[framework.pk]))
    assert list(framework.versions.order_by("number").values_list("number", "state")) == [(1, "published"), (2, "draft")]


def test_indicator_form_errors_keep_the_input(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    client.post(reverse("frameworks:new_draft", args=[ningxiang.pk]))
    response = client.post(reverse("frameworks:indicator_add", args=[ningxiang.pk]),
                           {"code": "1", "text": "重复编号", "levels": "好:高"})
    soup = _soup(response)
    errors = " ".join(soup.texts("div", cls="invalid-feedback"))
    assert "等级“好”的分值“高”不是数字" in errors
    assert soup.find("textarea", id="id_text").text == "重复编号"


def test_copy_a_builtin_then_edit_it(cast, client, builtins, county_office):
    client.force_login(cast.county_staff)
    source = builtins["youchang-buke"]
    response = client.post(reverse("frameworks:copy", args=[source.pk]), {"owner": county_office.pk, "name": "宁乡有偿补课检查"})
    copy = Framework.objects.get(name="宁乡有偿补课检查")
    assert copy.copied_from == source and response["Location"] == reverse("frameworks:edit", args=[copy.pk])
    soup = _soup(client.get(reverse("frameworks:detail", args=[copy.pk])))
    assert source.name in soup.text


def test_export_then_import_through_the_pages(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = client.get(reverse("frameworks:export", args=[ningxiang.pk]))
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["编号", "上级编号", "内容"]
    assert rows[2][:3] == ["1", "一", "教职工是否及时到岗"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_version(tmp.name, ningxiang.versions.get())
        data = open(tmp.name, "rb").read()
    response = client.post(reverse("frameworks:import", args=[ningxiang.pk]),
                           {"file": SimpleUploadedFile("宁乡.xlsx", data)})
    assert response["Location"] == reverse("frameworks:edit", args=[ningxiang.pk])
    draft = ningxiang.versions.get(number=2)
    assert sorted(draft.indicators.values_list("code", flat=True)) == ["1", "一"]


def test_a_bad_import_shows_row_errors_and_saves_nothing(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    upload = SimpleUploadedFile("坏.xlsx", io.BytesIO(b"not a spreadsheet").getvalue())
    soup = _soup(client.post(reverse("frameworks:import", args=[ningxiang.pk]), {"file": upload}))
    assert "不是有效的 Excel" in soup.text_of(testid="import-errors")
    assert ningxiang.versions.count() == 1


def test_deactivate_hides_from_the_default_list(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    client.post(reverse("frameworks:active", args=[ningxiang.pk]), {"active": "0"})
    assert "宁乡开学检查" not in _soup(client.get(reverse("frameworks:list"))).text
    assert "宁乡开学检查" in _soup(client.get(reverse("frameworks:list"), {"all": "1"})).text


def test_list_and_detail_query_budgets(cast, client, builtins, ningxiang, django_assert_max_num_queries):
    client.force_login(cast.county_staff)
    client.get(reverse("frameworks:list"))  # warm the session and the scope
    with django_assert_max_num_queries(12):
        assert client.get(reverse("frameworks:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("frameworks:detail", args=[builtins["shitang"].pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/frameworks").status_code == 200


def test_campaigns_may_pin_the_published_versions_of_active_frameworks(cast, builtins, ningxiang):
    from dudao.frameworks.selectors import version_choices

    draft = services.version_new_draft(by=cast.county_staff, framework=ningxiang)
    Framework.objects.filter(pk=builtins["dabane"].pk).update(active=False)  # (built-ins are read-only to the services)
    school_choices = set(version_choices(user=cast.school_user))
    assert ningxiang.versions.get(number=1) in school_choices and draft not in school_choices
    assert builtins["dabane"].versions.get() not in school_choices
    assert builtins["shitang"].versions.get() in set(version_choices(user=cast.evaluator))
    assert ningxiang.versions.get(number=1) not in set(version_choices(user=cast.evaluator))


def test_builtins_open_read_only_even_for_admins(cast, client, builtins):
    client.force_login(cast.admin)
    framework = builtins["shitang"]
    page = _soup(client.get(reverse("frameworks:detail", args=[framework.pk])))
    assert not page.find_all(testid="new-draft") and page.find_all(testid="copy")
    for name in ("frameworks:edit", "frameworks:import", "frameworks:indicator_add"):
        assert client.get(reverse(name, args=[framework.pk])).status_code == 403, name
    assert client.post(reverse("frameworks:new_draft", args=[framework.pk])).status_code == 403
    assert framework.versions.count() == 1


def test_the_pages_in_english(cast, client, builtins):
    from django.conf import settings

    client.force_login(cast.county_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _soup(client.get(reverse("frameworks:detail", args=[builtins["hubei-kindergarten"].pk])))
    assert "Score out of 100 × weight" in page.text and "weight 0.15" in page.text


def test_moving_an_indicator_through_its_form(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    client.post(reverse("frameworks:new_draft", args=[ningxiang.pk]))
    draft = ningxiang.versions.get(number=2)
    client.post(reverse("frameworks:indicator_add", args=[ningxiang.pk]), {"code": "二", "text": "校舍安全管理", "active": "on"})
    section, item = draft.indicators.get(code="二"), draft.indicators.get(code="1")
    response = client.post(reverse("frameworks:indicator_edit", args=[ningxiang.pk, item.pk]),
                           {"parent": section.pk, "code": "1", "text": "教职工是否及时到岗", "scoring": "yes_no", "active": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.parent, item.level) == (section, 2)
    # the published version 1 keeps the item under 一
    assert ningxiang.versions.get(number=1).indicators.get(code="1").parent.code == "一"


def test_mine_lists_the_frameworks_of_the_persons_office(cast, client, builtins, ningxiang):
    client.force_login(cast.county_leader)
    page = _soup(client.get(reverse("frameworks:list"), {"owner": "mine"}))
    assert [r.find("a").text for r in page.find_all("tr") if "data-framework" in r.attrs] == ["宁乡开学检查"]
