"""Excel out and back in: an exported version imports into an identical tree; hostile or wrong files
are refused with 第N行「列名」 messages in Chinese and nothing is saved."""

from __future__ import annotations

import io
import tempfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.frameworks import services
from dudao.frameworks.builtin import builtin_files, builtin_load
from dudao.frameworks.excel import COLUMNS, FrameworkImportError, read_upload, version_import, write_version
from dudao.frameworks.models import FrameworkShape, Weighting


def _tree(version):
    """Everything the import writes, in a comparable form (no ids)."""
    parents = {i.pk: i.code for i in version.indicators.all()}
    nodes = [(i.code, parents.get(i.parent_id, ""), i.text, i.level, i.scoring, i.max_score, i.weight, i.levels, i.evidence,
              i.methods, i.scoring_rule, i.is_veto, i.is_key, i.note, i.active, i.computed_key)
             for i in version.indicators.order_by("order", "pk")]
    bands = [(b.label, b.min_score) for b in version.grade_bands.all()]
    return nodes, bands, version.weighting, version.total_score


def _export(version) -> SimpleUploadedFile:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_version(tmp.name, version)
        return SimpleUploadedFile("指标.xlsx", open(tmp.name, "rb").read())


def _xlsx(rows, header=COLUMNS) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("指标")
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return SimpleUploadedFile("指标.xlsx", buffer.getvalue())


@pytest.fixture
def empty_draft(cast, county_office):
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="导入测试",
                                          shape=FrameworkShape.WEIGHTED, weighting=Weighting.NONE)
    return framework.versions.get()


def test_round_trip_of_the_shared_small_version(cast, small_version, empty_draft):
    version_import(by=cast.county_staff, version=empty_draft, parsed=read_upload(_export(small_version)))
    empty_draft.refresh_from_db()
    assert _tree(empty_draft) == _tree(small_version)
    assert empty_draft.weighting == Weighting.POINTS  # from the 【计分方式】 row


@pytest.mark.parametrize("path", builtin_files(), ids=lambda p: p.stem)
def test_round_trip_of_builtins(cast, builtins, empty_draft, path):
    source = builtins[builtin_load(path)["key"]].versions.get()
    version_import(by=cast.county_staff, version=empty_draft, parsed=read_upload(_export(source)))
    empty_draft.refresh_from_db()
    assert _tree(empty_draft) == _tree(source)


def test_levels_with_scores_and_descriptors(cast, empty_draft):
    upload = _xlsx([["A1", "", "课程开设", "等级", 10, None, "好:10:开齐开足；中:6;差:2", "课程表；作息时间表", "查阅资料、实地查看",
                     None, "否", "是", None, None, None]])
    version_import(by=cast.county_staff, version=empty_draft, parsed=read_upload(upload))
    node = empty_draft.indicators.get()
    assert node.levels == [{"label": "好", "descriptor": "开齐开足", "score": 10}, {"label": "中", "descriptor": "", "score": 6},
                           {"label": "差", "descriptor": "", "score": 2}]
    assert (node.evidence, node.methods, node.is_key, node.active) == (["课程表", "作息时间表"], ["doc_review", "site_visit"], True, True)


def _errors(upload) -> list[str]:
    with pytest.raises(FrameworkImportError) as exc:
        read_upload(upload)
    return exc.value.errors


def test_bad_cells_are_named_by_row_and_column(cast, empty_draft):
    upload = _xlsx([
        ["A1", "", "办学条件", "", "十分", None, None, None, None, None, None, None, None, None, None],
        ["B1", "A9", "校舍", "打分", 5, 2, "好:高", None, "飞行检查", None, "也许", None, None, None, None],
        ["A1", "", "", None, None, None, None, None, None, None, None, None, None, None, None],
    ])
    assert _errors(upload) == [
        "第2行「分值」：“十分”应为数字。",
        "第3行「上级编号」：「A9」不存在，或写在了本行之后（上级指标须在前）。",
        "第3行「评分类型」：“打分”无效，应为 分值、等级、是/否、计数 或 基础数据计算。",
        "第3行「权重」：应在 0 到 1 之间（如 0.15）。",
        "第3行「等级」：等级“好”的分值“高”不是数字，格式为 好:10;中:6;差:2。",
        "第3行「检查方式」：“飞行检查”无效，应为 听取汇报、查阅资料、实地查看、座谈访谈 等。",
        "第3行「一票否决」：应填“是”或“否”。",
        "第4行「编号」：「A1」重复。",
        "第4行「内容」：不能为空。",
    ]
    assert empty_draft.indicators.count() == 0


def test_a_failed_import_keeps_the_draft_as_it_was(cast, small_version, empty_draft):
    version_import(by=cast.county_staff, version=empty_draft, parsed=read_upload(_export(small_version)))
    before = _tree(empty_draft)
    with pytest.raises(FrameworkImportError):
        read_upload(_xlsx([["X", "", "x", "", "abc"]]))
    assert _tree(empty_draft) == before


def test_not_an_xlsx(cast):
    upload = SimpleUploadedFile("指标.xlsx", b"this is not a spreadsheet at all")
    assert "不是有效的 Excel" in _errors(upload)[0]


def test_wrong_extension(cast):
    assert "不支持的文件类型" in _errors(SimpleUploadedFile("指标.pdf", b"%PDF-1.4"))[0]


def test_too_many_rows(cast):
    rows = [[f"A{i}", "", "指标"] for i in range(3005)]
    assert _errors(_xlsx(rows)) == ["文件有 3005 行，超过上限 3000 行：指标体系不应有这么多指标，请检查文件。"]


def test_a_sheet_without_the_header(cast):
    assert "没有找到表头" in _errors(_xlsx([["x", "y"]], header=["学校", "名称"]))[0]


def test_a_far_away_stray_cell_is_refused_by_the_safe_reader(cast):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("指标")
    for c, title in enumerate(COLUMNS):
        sheet.write(0, c, title)
    sheet.write(1, 0, "A1")
    sheet.write(1, 2, "办学条件")
    sheet.write(1048575, 16383, "x")  # XFD1048576: a grid of 17 billion cells if read naively
    workbook.close()
    errors = _errors(SimpleUploadedFile("指标.xlsx", buffer.getvalue()))
    assert len(errors) == 1 and "XFD1048576" in errors[0]
