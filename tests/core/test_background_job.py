"""ExportJob, PlaqueBatch and ImportJob share core.models.BackgroundJob: one `percent` and one
`is_finished`, each job naming its counters (hand-computed on small cases; unsaved rows)."""

from __future__ import annotations

from dudao.core.models import BackgroundJob, ExportJob
from dudao.imports.models import ImportJob
from dudao.zones.models import PlaqueBatch


def test_the_three_jobs_share_the_base():
    assert all(issubclass(m, BackgroundJob) for m in (ExportJob, PlaqueBatch, ImportJob))
    assert {f.name for f in ExportJob._meta.fields} >= {"attempts", "finished_at"}
    assert PlaqueBatch._meta.get_field("finished_at").verbose_name == "结束时间"
    assert ExportJob._meta.ordering == PlaqueBatch._meta.ordering == ImportJob._meta.ordering == ["-created_at"]


def test_an_export_counts_rows_and_stays_below_100_until_it_succeeds():
    assert ExportJob(status="running", total_rows=3, processed_rows=2).percent == 66
    assert ExportJob(status="running", total_rows=3, processed_rows=3).percent == 99
    assert ExportJob(status="pending", total_rows=0).percent == 0
    assert ExportJob(status="succeeded", total_rows=3, processed_rows=1).percent == 100
    assert ExportJob(status="failed").is_finished and not ExportJob(status="running").is_finished


def test_a_plaque_batch_counts_its_plaques():
    assert PlaqueBatch(status="running", total=4, done=1).percent == 25
    assert PlaqueBatch(status="running", total=4, done=4).percent == 100
    assert PlaqueBatch(status="pending", total=0).percent == 0
    assert PlaqueBatch(status="succeeded").is_finished


def test_an_import_validates_to_80_percent_then_writes_to_95():
    assert ImportJob(status="validating", total_rows=10, processed_rows=5).percent == 40
    assert ImportJob(status="validating", total_rows=10, processed_rows=10).percent == 80
    assert ImportJob(status="writing", total_rows=10, processed_rows=10).percent == 95
    assert ImportJob(status="writing", total_rows=3, processed_rows=1).percent == 31
    assert ImportJob(status="succeeded", total_rows=10).percent == 100
    assert ImportJob(status="failed").is_finished and not ImportJob(status="writing").is_finished
