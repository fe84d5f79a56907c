"""The operation log (操作日志) as sentences an auditor reads: who (name and account), did what, to
which object (by its name), what changed (field labels, old → new, choice labels and related
objects by name), in Beijing time — not auditlog's raw field names, ids and UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist

BEIJING = ZoneInfo("Asia/Shanghai")
ACTIONS = {LogEntry.Action.CREATE: "新建了", LogEntry.Action.UPDATE: "修改了", LogEntry.Action.DELETE: "删除了",
           LogEntry.Action.ACCESS: "查看了"}
EMPTY = "（空）"
MAX_VALUE = 60


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    m2m: bool = False  # then `old` is the verb (添加/移除) and `new` the objects

    def __str__(self) -> str:
        return f"{self.label}{self.old}：{self.new}" if self.m2m else f"{self.label}：{self.old} → {self.new}"


@dataclass(frozen=True)
class LogLine:
    when: str  # "2026-12-07 18:14:03"
    actor: str
    verb: str
    kind: str
    name: str
    changes: list[Change]
    remote_addr: str

    @property
    def summary(self) -> str:
        """"宁乡督导室（t_county）修改了学校「宁乡一小」" """
        return f"{self.actor}{self.verb}{self.kind}「{self.name}」"

    @property
    def details(self) -> str:
        return "；".join(str(c) for c in self.changes)

    @property
    def sentence(self) -> str:
        text = f"{self.when}（北京时间），{self.summary}"
        return f"{text}：{self.details}。" if self.changes else f"{text}。"


def beijing(ts: datetime) -> str:
    return ts.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def actor_name(entry: LogEntry) -> str:
    user = entry.actor
    if user is None:
        return "系统"
    name = getattr(user, "full_name", "") or ""
    return f"{name}（{user.get_username()}）" if name and name != user.get_username() else user.get_username()


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= MAX_VALUE else value[:MAX_VALUE - 1] + "…"


class _Values:
    """Turns stored values into what users read, looking related objects up once per page."""

    def __init__(self) -> None:
        self._related: dict[tuple[type, str], str] = {}

    def show(self, field, value) -> str:
        if value is None or value in ("None", ""):
            return EMPTY
        if field is None:
            return _short(str(value))
        if getattr(field, "choices", None):
            return _short(str(dict(field.flatchoices).get(value, value)))
        if field.get_internal_type() == "BooleanField":
            return {"True": "是", "False": "否"}.get(str(value), str(value))
        if field.many_to_one or field.one_to_one:
            key = (field.related_model, str(value))
            if key not in self._related:
                obj = field.related_model._default_manager.filter(pk=value).first()
                self._related[key] = str(obj) if obj is not None else f"#{value}（已删除）"
            return _short(self._related[key])
        return _short(str(value))


def describe(entry: LogEntry, values: _Values | None = None) -> LogLine:
    values = values or _Values()
    model = entry.content_type.model_class() if entry.content_type_id else None
    kind = str(model._meta.verbose_name) if model else (entry.content_type.name if entry.content_type_id else "")
    changes = []
    if entry.action == LogEntry.Action.UPDATE:
        for name, change in (entry.changes_dict or {}).items():
            field = None
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                pass
            label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
            if isinstance(change, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
                verb = {"add": "添加", "delete": "移除"}.get(change.get("operation"), "改为")
                changes.append(Change(label, verb, "、".join(str(o) for o in change.get("objects", [])) or EMPTY, m2m=True))
                continue
            old, new = (list(change) + [None, None])[:2]
            changes.append(Change(label, values.show(field, old), values.show(field, new)))
    return LogLine(when=beijing(entry.timestamp), actor=actor_name(entry), verb=ACTIONS.get(entry.action, "操作了"),
                   kind=kind, name=_short(entry.object_repr or ""), changes=changes, remote_addr=entry.remote_addr or "")


def describe_all(entries) -> list[LogLine]:
    values = _Values()
    return [describe(e, values) for e in entries]
