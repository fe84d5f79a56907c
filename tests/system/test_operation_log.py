"""The operation log reads as sentences: who (name and account), what object by its name, which
fields changed (labels, old → new, choice labels, related objects by name), in Beijing time."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.regions.models import Region
from dudao.schools.models import School
from dudao.system.audit import describe


def _edit_a1(cast) -> LogEntry:
    LogEntry.objects.all().delete()
    school = School.objects.get(pk=cast.A1.pk)
    other = Region.objects.get(code="430112")
    with set_actor(cast.admin):
        school.phone = "0731-1234567"
        school.is_boarding = not school.is_boarding
        school.region = other
        school.save()
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE)
    # 2026-03-01 02:30 UTC is 10:30 in Beijing.
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=datetime(2026, 3, 1, 2, 30, 5, tzinfo=UTC))
    entry.refresh_from_db()
    return entry


def test_an_update_reads_as_a_sentence(cast):
    was_boarding = School.objects.get(pk=cast.A1.pk).is_boarding
    old_region = cast.A1.region.name
    line = describe(_edit_a1(cast))
    assert line.when == "2026-03-01 10:30:05"
    assert line.summary == f"{cast.admin.full_name}（{cast.admin.username}）修改了学校「{cast.A1.name}」"
    changes = {c.label: (c.old, c.new) for c in line.changes}
    assert changes["联系电话"] == ("（空）", "0731-1234567")
    assert changes["寄宿制"] == (("是", "否") if was_boarding else ("否", "是"))
    assert old_region in changes["所在区划"][0] and "望城区" in changes["所在区划"][1]
    assert "region" not in line.sentence and "None" not in line.sentence and "T02:30" not in line.sentence
    assert line.sentence.startswith("2026-03-01 10:30:05（北京时间），")


def test_page_and_export_show_the_same_sentences(cast, client):
    entry = _edit_a1(cast)
    line = describe(entry)
    client.force_login(cast.admin)
    html = client.get(reverse("system:operation_log")).content.decode()
    assert line.summary in html and "联系电话：（空） → 0731-1234567" in html and "2026-03-01 10:30:05" in html
    data = b"".join(client.get(reverse("system:operation_log"), {"export": 1}).streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    row = next(r for r in rows[1:] if r[2] == "修改")
    assert row[:5] == ["2026-03-01 10:30:05", line.actor, "修改", "学校", cast.A1.name]
    assert row[5] == line.details and row[6] == line.sentence


def test_the_export_headers_follow_the_language(cast, client):
    _edit_a1(cast)
    client.force_login(cast.admin)
    data = b"".join(client.get(reverse("system:operation_log"), {"export": 1}).streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["时间（北京时间）", "操作人", "操作", "对象类型", "对象", "变更内容", "记录", "IP"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = b"".join(client.get(reverse("system:operation_log"), {"export": 1}).streaming_content)
    header = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0]
    assert header[3:6] == ["Object type", "Object", "Changes"] and header[7] == "IP"
    assert "时间（北京时间）" not in header and "操作人" not in header
