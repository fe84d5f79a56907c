"""Importing yearly base data: per school, year and stage section; background task when large."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.imports.models import ImportJob
from dudao.schools.importers import YearDataImporter
from dudao.schools.models import SchoolYearData
from tests.imports.helpers import csv_bytes, upload, xlsx_bytes

HEADER = [col.title for col in YearDataImporter.columns]


def row(code: str, stage: str = "小学", year: int = 2024, **values) -> list:
    data = {col.title: 0 for col in YearDataImporter.columns}
    data.update({"学校标识码": code, "学年": year, "学段": stage, "在校生数": 480, "班级数": 10, "45人及以下班级数": 9,
                 "46-55人班级数": 1, "专任教师数": 30, "本科学历教师": 20, "专科学历教师": 10, "体育专任教师": 2,
                 "教学及辅助用房面积(㎡)": 2400.5, "教学仪器设备值(万元)": 120.25})
    data.update(values)
    return [data[h] for h in HEADER]


def post(client, name, content):
    return client.post(reverse("imports:new"), {"kind": "year_data", "file": upload(name, content)})


def test_nine_year_school_keeps_figures_per_stage(cast, client):
    client.force_login(cast.admin)
    post(client, "年度.xlsx", xlsx_bytes(HEADER, [row(cast.B2.code, "小学"), row(cast.B2.code, "初中", 在校生数=300)]))
    job = ImportJob.objects.get()
    assert job.status == "succeeded", job.errors
    rows = dict(SchoolYearData.objects.filter(school=cast.B2, year=2024).values_list("stage", "students"))
    assert rows == {"primary": 480, "junior": 300}
    assert str(SchoolYearData.objects.get(school=cast.B2, year=2024, stage="primary").equipment_value) == "120.25"


def test_stage_must_belong_to_the_school_kind(cast, client):
    client.force_login(cast.county_staff)
    post(client, "年度.xlsx", xlsx_bytes(HEADER, [row(cast.A1.code, "高中")]))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors == [{"row": 2, "column": "学段", "message": "该校办学类型为“小学”，没有“高中”学段"}]


def test_inconsistent_and_out_of_scope_rows_write_nothing(cast, client):
    client.force_login(cast.county_staff)
    rows = [
        row(cast.A1.code),                               # 2 fine
        row(cast.A1.code, 班级数=12),                    # 3 bands sum 10 ≠ 12, and duplicate of row 2
        row(cast.B1.code),                               # 4 望城: not 宁乡's
        row(cast.A2.code, "初中", 在校生数="很多"),        # 5 not a number
        row(cast.A2.code, "初中", 学年=1990),             # 6 year out of range
        row(cast.A2.code, "初中", 体育专任教师=31),        # 7 more PE teachers than teachers
    ]
    post(client, "年度.xlsx", xlsx_bytes(HEADER, rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "学校标识码"), (3, "班级数"), (4, "学校标识码"), (5, "在校生数"), (6, "学年"), (7, "体育专任教师"),
    }
    assert not SchoolYearData.objects.filter(year=2024).exists()


def test_large_file_runs_as_a_background_task_with_progress(cast, client, settings, django_capture_on_commit_callbacks):
    settings.DUDAO_IMPORT_INLINE_MAX_ROWS = 3
    client.force_login(cast.admin)
    rows = [row(s.code, stage) for s in cast.all_schools for stage in {"primary": ["小学"], "junior": ["初中"],
            "kindergarten": ["学前"], "nine_year": ["小学", "初中"]}[s.kind]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, "年度.csv", csv_bytes(HEADER, rows))
    job = ImportJob.objects.get()
    assert job.status == "pending" and job.total_rows == len(rows)
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page and "排队中" in page
    assert len(callbacks) == 1
    callbacks[0]()  # the worker picks the task up (Immediate backend in tests)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.created_count == len(rows)
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in page and "100%" in page


def test_running_a_job_twice_writes_once(cast):
    from django.core.files.base import ContentFile

    from dudao.imports.services import import_job_run

    job = ImportJob(kind="year_data", original_name="年度.csv", created_by=cast.admin)
    job.file.save("y.csv", ContentFile(csv_bytes(HEADER, [row(cast.A1.code)])), save=True)
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.created_count == 1
    assert SchoolYearData.objects.filter(school=cast.A1, year=2024).count() == 1


def test_errors_download_lists_every_error(cast, client):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(cast.county_staff)
    post(client, "年度.xlsx", xlsx_bytes(HEADER, [row("0000000000"), row(cast.A1.code, 学年="二〇二四")]))
    job = ImportJob.objects.get()
    response = client.get(reverse("imports:errors_export", kwargs={"pk": job.pk}))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[0] == ["行号", "列", "错误说明"]
    assert [(int(r[0]), r[1]) for r in rows[1:]] == [(2, "学校标识码"), (3, "学年")]


def test_large_upload_goes_to_the_worker_without_being_read_in_the_request(cast, client, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr("dudao.imports.services.INLINE_MAX_BYTES", 10)
    monkeypatch.setattr("dudao.imports.services._estimate_rows", lambda job: pytest.fail("read in the request"))
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "年度.csv", csv_bytes(HEADER, [row(cast.A1.code)]))
    job = ImportJob.objects.get()
    assert job.status == "succeeded" and job.total_rows == 1


def test_a_second_import_counts_updated_and_new_rows(cast, client):
    """The counts come from the upsert itself on PostgreSQL and from a lookup elsewhere: same figures."""
    client.force_login(cast.admin)
    assert not SchoolYearData.objects.filter(year__in=[2030, 2031]).exists()
    post(client, "年度.xlsx", xlsx_bytes(HEADER, [row(cast.A1.code, year=2030), row(cast.B2.code, "小学", year=2030)]))
    post(client, "年度.xlsx", xlsx_bytes(HEADER, [row(cast.A1.code, year=2030, 在校生数=500),
                                                 row(cast.B2.code, "初中", year=2030), row(cast.A1.code, year=2031)]))
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == "succeeded", job.errors
    assert (job.created_count, job.updated_count) == (2, 1)
    assert SchoolYearData.objects.get(school=cast.A1, year=2030, stage="primary").students == 500


def test_a_repeated_bad_value_is_reported_on_every_row(cast, client, tmp_path):
    """Parsed values are remembered per column (services._run): a bad one must not be, and a
    remembered good number must not accept a boolean cell that equals it (True == 1.0)."""
    import xlsxwriter

    client.force_login(cast.admin)
    rows = [row(cast.A1.code, 在校生数="很多"), row(cast.A2.code, "初中", 在校生数="很多"),
            row(cast.B1.code, 在校生数=1), row(cast.B2.code, "小学", 在校生数=1)]
    path = tmp_path / "y.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if r == 4 and HEADER[col] == "在校生数":
                ws.write_boolean(r, col, True)
            elif isinstance(value, (int, float)):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    wb.close()
    post(client, "年度.xlsx", path.read_bytes())
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "在校生数", "应为整数（现为“很多”）"), (3, "在校生数", "应为整数（现为“很多”）"), (5, "在校生数", "应为整数")]
    assert not SchoolYearData.objects.filter(school__in=[cast.A1, cast.A2, cast.B1, cast.B2], students=1).exists()
