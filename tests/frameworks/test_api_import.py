"""POST /api/v1/frameworks/{id}/import: the page's import over the API — the same checks of the file,
the same all-or-nothing service, the row/column errors in Chinese in the API's one error shape."""

from __future__ import annotations

import io
import tempfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.frameworks import services
from dudao.frameworks.excel import COLUMNS, write_version
from dudao.frameworks.models import FrameworkShape, VersionState, Weighting

BASE = "/api/v1/frameworks"


@pytest.fixture
def ningxiang(cast, county_office):
    """A published checklist of 宁乡 (v1): 一 → 1."""
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="宁乡开学检查",
                                          shape=FrameworkShape.CHECKLIST, weighting=Weighting.NONE)
    version = framework.versions.get()
    section = services.indicator_add(by=cast.county_staff, version=version, code="一", text="开学条件保障")
    services.indicator_add(by=cast.county_staff, version=version, parent=section, code="1", text="教职工是否及时到岗",
                           scoring="yes_no")
    services.version_publish(by=cast.county_staff, version=version)
    return framework


def _xlsx(rows, header=COLUMNS) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("指标")
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def _post(client, framework, data: bytes, name: str = "指标.xlsx"):
    return client.post(f"{BASE}/{framework.pk}/import", {"file": SimpleUploadedFile(name, data)})


def test_import_into_a_published_framework_makes_the_next_draft(cast, client, small_version, ningxiang):
    client.force_login(cast.county_staff)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_version(tmp.name, small_version)
        data = open(tmp.name, "rb").read()
    response = _post(client, ningxiang, data)
    assert response.status_code == 200, response.json()
    body = response.json()
    draft = ningxiang.versions.get(number=2)
    assert body["imported"] == small_version.indicators.count() == draft.indicators.count()
    assert (body["version"]["number"], body["version"]["state"]) == (2, "draft")
    assert {i["code"] for i in body["version"]["indicators"]} == set(small_version.indicators.values_list("code", flat=True))
    assert draft.weighting == Weighting.POINTS  # the 【计分方式】 row
    assert ningxiang.versions.get(number=1).indicators.count() == 2  # the published version untouched
    # again into the draft: replaced, not a third version
    assert _post(client, ningxiang, data).status_code == 200
    assert ningxiang.versions.count() == 2


def test_bad_cells_answer_every_row_and_column_in_the_error_shape(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    data = _xlsx([
        ["A1", "", "办学条件", "", "十分"],
        ["B1", "A9", "校舍", "打分", 5],
    ])
    response = _post(client, ningxiang, data)
    assert response.status_code == 400
    body = response.json()
    lines = ["第2行「分值」：“十分”应为数字。",
             "第3行「上级编号」：「A9」不存在，或写在了本行之后（上级指标须在前）。",
             "第3行「评分类型」：“打分”无效，应为 分值、等级、是/否、计数 或 基础数据计算。"]
    assert body == {"code": "invalid", "detail": lines[0], "field": "file", "errors": {"file": lines}}
    assert ningxiang.versions.count() == 1  # nothing saved, not even the next draft


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("指标.xlsx", b"this is not a spreadsheet at all", "不是有效的 Excel"),
    ("指标.pdf", b"%PDF-1.4", "不支持的文件类型"),
    ("指标.csv", "编号,上级编号,内容\nA1,,x\n".encode(), "指标体系不支持 CSV"),
])
def test_wrong_files_are_refused(cast, client, ningxiang, name, data, expected):
    client.force_login(cast.county_staff)
    response = _post(client, ningxiang, data, name)
    assert response.status_code == 400
    assert expected in response.json()["detail"] and response.json()["field"] == "file"
    assert ningxiang.versions.count() == 1


def test_a_far_away_stray_cell_is_refused_by_the_safe_reader(cast, client, ningxiang):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("指标")
    for c, title in enumerate(COLUMNS):
        sheet.write(0, c, title)
    sheet.write(1, 0, "A1")
    sheet.write(1, 2, "办学条件")
    sheet.write(1048575, 16383, "x")
    workbook.close()
    client.force_login(cast.county_staff)
    response = _post(client, ningxiang, buffer.getvalue())
    assert response.status_code == 400 and "XFD1048576" in response.json()["detail"]
    assert ningxiang.versions.count() == 1


def test_too_many_rows(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = _post(client, ningxiang, _xlsx([[f"A{i}", "", "指标"] for i in range(3005)]))
    assert response.json()["detail"] == "文件有 3005 行，超过上限 3000 行：指标体系不应有这么多指标，请检查文件。"


def test_a_missing_file_is_named(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    response = client.post(f"{BASE}/{ningxiang.pk}/import", {})
    assert response.status_code == 422 and response.json()["errors"] == {"file": ["必填。"]}


def test_builtins_refuse_an_import(cast, client, builtins):
    client.force_login(cast.admin)
    response = _post(client, builtins["shitang"], _xlsx([["A1", "", "x"]]))
    assert response.status_code == 403
    assert builtins["shitang"].versions.filter(state=VersionState.DRAFT).count() == 0
