"""The import engine: validate every row, then write all of them or nothing.

Flow: `import_job_create` stores the upload (size, type and content checked) → small files run at
once, large ones are enqueued (`imports.tasks.import_job_run_task`) → `import_job_run` reads the
table row by row, reports every error by row and column in Chinese, and only when there is none
writes everything inside one transaction. Progress is saved every few thousand rows outside that
transaction, so the progress bar moves while the worker validates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dudao.core import columns as c
from dudao.imports.models import ImportJob, ImportKind, ImportStatus
from dudao.imports.reader import FileProblem, check_upload, read_table
from dudao.imports.sandbox import HEADER_SEARCH_ROWS

if TYPE_CHECKING:
    from dudao.people.models import User

logger = logging.getLogger(__name__)
MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 5000
INLINE_MAX_BYTES = 512 * 1024
PARSE_CACHE_SIZE = 10_000  # parsed values kept per column (see _run)
_MISSING = object()


def importer_for(kind: str):
    from dudao.imports.registry import importers

    try:
        return importers()[kind]
    except KeyError:
        raise FileProblem("未知的导入类型。") from None


def import_job_create(*, user: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Check the upload and store it; raises FileProblem (Chinese message) when it is unusable."""
    if kind not in ImportKind.values:
        raise FileProblem("未知的导入类型。")
    check_upload(upload.name or "", upload.size or 0, settings.DUDAO_MAX_UPLOAD_BYTES)
    job = ImportJob(kind=kind, original_name=Path(upload.name or "upload").name[:255], file_size=upload.size or 0, created_by=user)
    job.file.save(f"{kind}{Path(upload.name or '').suffix.lower()}", upload, save=False)
    job.save()
    return job


def import_job_start(*, job: ImportJob) -> ImportJob:
    """Run small files now; enqueue large ones for the worker (the page shows progress)."""
    # Counting rows means reading the workbook: only worth it for small files. A large file goes
    # to the worker straight away, so the upload request stays fast (bench/README.md).
    estimated = None
    if job.file_size <= INLINE_MAX_BYTES:
        try:
            estimated = _estimate_rows(job)
        except FileProblem as exc:
            _fail(job, str(exc))
            return job
        job.total_rows = estimated
        job.save(update_fields=["total_rows"])
    if estimated is not None and estimated <= settings.DUDAO_IMPORT_INLINE_MAX_ROWS:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        from dudao.imports.tasks import import_job_run_task

        transaction.on_commit(lambda: import_job_run_task.enqueue(job_id=job.pk))
    return job


def _estimate_rows(job: ImportJob) -> int:
    return _read(job).row_count


def _read(job: ImportJob):
    """The job's table, its header found by the importer's column names (reader.read_table)."""
    columns = importer_for(job.kind).columns
    expected = {name for col in columns for name in (col.title, col.key, *col.aliases)}
    need = min(2, max(1, sum(1 for col in columns if col.required)))
    return read_table(job.file.path, job.original_name, expected=expected, need=need)


def import_job_run(*, job_id: int) -> dict[str, float] | None:
    """Validate then write. Safe to call twice: a finished or running job is left alone.

    Returns where the time went (seconds, see `_run`), for the log and bench/import_only.py."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return None  # another worker got there first, or the job already ran
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    phases: dict[str, float] = {}
    try:
        _run(job, phases)
    except FileProblem as exc:
        _fail(job, str(exc))
    except Exception:
        logger.exception("import job %s crashed", job_id)
        _fail(job, "导入时发生系统错误，未写入任何数据。请稍后重试或联系管理员。")
    phases = {key: round(value, 3) for key, value in phases.items()}
    logger.info("import job %s: %s", job_id, phases)
    return phases


def import_job_check_stalled(job: ImportJob, now=None) -> ImportJob:
    """A job lost by the worker: enqueued again if no worker ever took it, or failed with a
    message — never run again, since its file may be what killed the worker (core/jobs.py)."""
    from dudao.core.jobs import revive_or_fail
    from dudao.imports.tasks import import_job_run_task

    if revive_or_fail(job, pending=ImportStatus.PENDING, running=[ImportStatus.VALIDATING, ImportStatus.WRITING],
                      failed=ImportStatus.FAILED, enqueue=lambda: import_job_run_task.enqueue(job_id=job.pk),
                      message="导入中断：处理进程意外停止（文件可能过大或已损坏），未写入任何数据。请检查文件后重新上传。",
                      now=now):
        job.refresh_from_db()
    return job


def _fail(job: ImportJob, message: str, errors: list | None = None, error_count: int | None = None) -> None:
    job.status = ImportStatus.FAILED
    job.message = message[:500]
    if errors is not None:
        job.errors = errors
        job.error_count = error_count if error_count is not None else len(errors)
    job.finished_at = timezone.now()
    job.save()


def map_header(header: Sequence[str], columns: Sequence[c.Column], header_row: int = 1) -> tuple[dict[str, int], list[dict]]:
    """Column key -> index in the file; errors for missing required or repeated columns."""
    positions: dict[str, int] = {}
    errors: list[dict] = []
    names = {col.title: col for col in columns}
    for col in columns:
        names.setdefault(col.key, col)
        for alias in col.aliases:
            names.setdefault(alias, col)
    for index, title in enumerate(header):
        title = title.strip("*")  # "*姓名" as in the template, or "姓名*" as people also write it
        found = names.get(title) or names.get(title.split("(")[0].split("（")[0])
        if found is None:
            continue
        if found.key in positions:
            errors.append({"row": header_row, "column": title, "message": "列名重复"})
            continue
        positions[found.key] = index
    missing = [col.title for col in columns if col.required and col.key not in positions]
    for title in missing:
        errors.append({"row": header_row, "column": title, "message": "缺少必填列：请使用下载的模板，不要修改表头"})
    return positions, errors


def _run(job: ImportJob, phases: dict[str, float] | None = None) -> None:
    """Read, check every row, then write all in one transaction. `phases` receives the seconds of
    reading (parse: the sandboxed child; transfer: handing its rows over) and of writing (check:
    cells and rules of every row; upsert; after: what a successful import triggers)."""
    clock = time.perf_counter
    phases = {} if phases is None else phases
    importer_cls = importer_for(job.kind)
    table = _read(job)
    phases.update(parse_s=table.parse_seconds, parse_peak_mb=table.peak_memory_kb / 1024, transfer_s=0.0, check_s=0.0)
    columns = importer_cls.columns
    positions, errors = map_header(table.header, columns, table.header_row)
    if errors:
        where = (f"（在各工作表的前 {HEADER_SEARCH_ROWS} 行中都没有找到模板的表头，以下按第 {table.header_row} 行核对；"
                 "表头应在第一个工作表的第 1 行。）") if table.header_missing else ""
        _fail(job, f"表头与模板不一致，未写入任何数据。{where}", errors)
        return
    started = clock()
    importer = importer_cls(job.created_by)
    importer.prepare()
    # Parsers are pure functions of the cell (columns.py), and a yearly-data file repeats most of
    # its values (small counts, the same stage, a school's code once per year): each column keeps
    # the result of the float and text cells it has parsed, so a repeated value costs one lookup.
    # Errors are not kept (they are raised again), booleans and ints never look the cache up (True
    # == 1.0), and each cache stops growing at PARSE_CACHE_SIZE values.
    plan: list[tuple[str, str, bool, Callable[[Any], Any], int, dict[Any, Any]]] = [
        (col.key, col.title, col.required, col.parse, positions[col.key], {}) for col in columns if col.key in positions]
    absent = [col for col in columns if col.key not in positions]
    error_count = 0
    rows_seen = 0
    job.total_rows = max(job.total_rows, table.row_count)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    transfer = 0.0
    rows = iter(table.rows)
    rownum = table.header_row
    is_blank = c.is_blank
    while True:
        tick = clock()
        raw = next(rows, None)
        transfer += clock() - tick
        if raw is None:
            break
        rownum += 1
        if not raw or (is_blank(raw[0]) and all(is_blank(v) for v in raw)):
            continue
        rows_seen += 1
        values: dict = {}
        row_errors: list[tuple[str, str]] = []
        width = len(raw)
        for key, title, required, parse, index, cache in plan:
            cell = raw[index] if index < width else None
            kind = cell.__class__
            cacheable = kind is float or kind is str
            if cacheable:
                value = cache.get(cell, _MISSING)
                if value is not _MISSING:
                    values[key] = value
                    continue
            if cell is None or (kind is str and not cell.strip()):
                if required:
                    row_errors.append((title, "必填项为空"))
                    continue
                cell, cacheable = None, False
            try:
                values[key] = value = parse(cell)
            except c.CellError as exc:
                row_errors.append((title, str(exc)))
                continue
            if cacheable and len(cache) < PARSE_CACHE_SIZE:
                cache[cell] = value
        for col in absent:
            values[col.key] = col.parse(None)
        if not row_errors:
            row_errors = importer.check(values, rownum)
        for column, message in row_errors:
            error_count += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append({"row": rownum, "column": column, "message": message})
        if rows_seen % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows_seen, error_count=error_count,
                                                       updated_at=timezone.now())  # the heartbeat (core/jobs.py)
    phases.update(transfer_s=transfer, check_s=clock() - started - transfer)
    job.processed_rows = rows_seen
    job.total_rows = rows_seen
    if rows_seen == 0:
        _fail(job, "文件中没有数据行：请在表头下方填写数据。")
        return
    if error_count:
        more = f"（仅列出前 {MAX_REPORTED_ERRORS} 个）" if error_count > MAX_REPORTED_ERRORS else ""
        _fail(job, f"发现 {error_count} 处错误{more}，未写入任何数据。请修改后重新上传。", errors, error_count)
        return
    started = clock()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, processed_rows=rows_seen, total_rows=rows_seen,
                                               updated_at=timezone.now())
    with transaction.atomic():
        created, updated = importer.write()
    job.status = ImportStatus.SUCCEEDED
    job.created_count, job.updated_count = created, updated
    job.error_count = 0
    job.errors = []
    job.message = f"导入成功：新增 {created} 条，更新 {updated} 条。" + (f"（{table.where}。）" if table.where else "")
    job.finished_at = timezone.now()
    job.save()
    phases["upsert_s"] = clock() - started
    started = clock()
    _after_import(job, importer)
    phases["after_s"] = clock() - started
    phases["reading_s"] = phases["parse_s"] + phases["transfer_s"]
    phases["writing_s"] = phases["check_s"] + phases["upsert_s"] + phases["after_s"]


def _after_import(job: ImportJob, importer) -> None:
    """After a successful import: yearly base data changed → recompute monitoring results."""
    from dudao.monitoring.services import monitoring_after_import

    monitoring_after_import(job=job, rows=getattr(importer, "rows", None) or [])


def import_template_rows(kind: str, user: User) -> tuple[list[str], list[list[str]], list[str], list[tuple[str, str]]]:
    """Headers, one example row, notes and the region codes the user may import into."""
    from dudao.regions.models import Region
    from dudao.schools.importers import _region_write_q

    importer_cls = importer_for(kind)
    headers = [("*" if col.required else "") + col.title for col in importer_cls.columns]
    example = [col.example for col in importer_cls.columns]
    notes = list(getattr(importer_cls, "notes", None) or [
        "填写说明：",
        "1. 带 * 的列为必填；请不要修改、删除或调换表头。",
        "2. 学校标识码为 10 位数字，请将该列单元格格式设为“文本”，避免被 Excel 转成科学计数法。",
        "3. 导入是“全部成功或全部不写入”：只要有一处错误，系统会列出所有错误的行号和列名，且不写入任何数据。",
        "4. 已存在的学校（按学校标识码）或同一学校、学年、学段的数据会被更新。",
        "5. 支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）；单个文件不超过 20 MB；请勿使用公式。",
        "",
        "各列说明：",
    ]) + [f"{col.title}：{col.help}" for col in importer_cls.columns if col.help]
    if hasattr(importer_cls, "template_codes"):  # e.g. supervisors: the offices the user manages
        return headers, [example], notes, importer_cls.template_codes(user)
    regions = list(Region.objects.filter(_region_write_q(user)).filter(level__in=["county", "township"]).values_list("code", "name")[:5000])
    return headers, [example], notes, regions


def import_template_write(path: str, kind: str, user: User) -> None:
    import xlsxwriter

    from dudao.core.excel import HEADER_STYLE, write_header, write_notes

    headers, examples, notes, regions = import_template_rows(kind, user)
    importer_cls = importer_for(kind)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(importer_cls.sheet_name)
    text = wb.add_format({"num_format": "@"})
    text_columns = getattr(importer_cls, "text_columns", ())
    write_header(wb, ws, headers, height=36, style={"num_format": "@"},
                 width=lambda col, title: max(12, min(30, len(title) * 2)),
                 text_columns=lambda col, title: col == 0 or title.lstrip("*") in text_columns)
    for r, row in enumerate(examples, start=1):
        for col, value in enumerate(row):
            ws.write_string(r, col, value, text)
    ws.freeze_panes(1, 1)
    info = write_notes(wb, notes, sheet="填写说明", width=110)
    info.write_string(len(notes) + 1, 0, "注意：第一个工作表中的示例行请删除或改为真实数据后再导入。")
    codes = wb.add_worksheet(getattr(importer_cls, "codes_sheet", "区划代码"))
    codes.write_row(0, 0, ["区划代码", "名称"], wb.add_format({**HEADER_STYLE, "num_format": "@"}))
    codes.set_column(0, 0, 14, text)
    codes.set_column(1, 1, 24)
    for i, (code, name) in enumerate(regions, start=1):
        codes.write_string(i, 0, code, text)
        codes.write_string(i, 1, name)
    wb.close()
