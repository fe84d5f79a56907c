"""The body of a document as text a person edits, and back (the edit page, the 修订 form).

Headings and paragraphs are lines ("一、" level 1, "（一）" level 2, services.text_to_blocks). Blocks a
builder computed — tables, charts, images — cannot be typed: each stands in the text as one marker line
such as 【表格·3f9a0c1d2e】 and is put back, unchanged, where its marker stands. A marker deleted, repeated
or made up is refused with a Chinese message (the form keeps the text), so saving the text can never drop
a data table. Unchanged lines keep their block's `key` (draft-review comments point at it).
"""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dudao.documents.services import text_to_blocks

DATA_TYPES = {"table": "表格", "chart": "图表", "image": "图片"}
PAGEBREAK = "【分页】"
MARKER = re.compile(r"^【(表格|图表|图片)·([0-9A-Za-z_-]{1,40})】$")


def marker(block: dict) -> str:
    return f"【{DATA_TYPES[block['type']]}·{block.get('key', '')}】"


def is_data(block: dict) -> bool:
    return block.get("type") in DATA_TYPES


def blocks_to_text(blocks: list[dict]) -> str:
    """The body as lines: text blocks as they read, data blocks as their marker, page breaks as 【分页】."""
    lines = []
    for b in blocks:
        if is_data(b):
            lines.append(marker(b))
        elif b.get("type") == "pagebreak":
            lines.append(PAGEBREAK)
        else:
            lines.append(str(b.get("text", "")))
    return "\n".join(lines)


def data_blocks(blocks: list[dict]) -> list[dict]:
    """The blocks shown read-only beside the text, each with its marker."""
    return [{**b, "marker": marker(b)} for b in blocks if is_data(b)]


def text_to_body(text: str, old: list[dict]) -> list[dict]:
    """The edited text as blocks: markers become the original data blocks, the rest is parsed as
    lines; a text block whose type and wording are unchanged keeps its key. Raises ValidationError
    {"body": …} when a data block's marker is missing, repeated or unknown."""
    data = {b.get("key"): b for b in old if is_data(b)}
    seen: set[str] = set()
    blocks: list[dict] = []
    run: list[str] = []
    errors: list[str] = []

    def flush() -> None:
        blocks.extend(text_to_blocks("\n".join(run)))
        run.clear()

    for raw in text.splitlines():
        line = raw.strip()
        found = MARKER.match(line)
        if found:
            key = found.group(2)
            if key not in data:
                errors.append(_("“%(marker)s”不是本文中的数据块，请删除这一行。") % {"marker": line})
                continue
            if key in seen:
                errors.append(_("“%(marker)s”出现了不止一次，请只保留一处。") % {"marker": line})
                continue
            seen.add(key)
            flush()
            blocks.append(data[key])
        elif line == PAGEBREAK:
            flush()
            blocks.append({"type": "pagebreak"})
        else:
            run.append(line)
    flush()
    missing = [marker(b) for key, b in data.items() if key not in seen]
    if missing:
        errors.append(_("正文中的数据表格或图表不能删除：请把 %(markers)s 放回原处（可以移动位置）。")
                      % {"markers": "、".join(missing)})
    if errors:
        raise ValidationError({"body": errors})
    return _keep_keys(blocks, old)


def _keep_keys(blocks: list[dict], old: list[dict]) -> list[dict]:
    """Give each unchanged text block its old key (and an h3 its level), new text a new key."""
    free: dict[str, list[dict]] = {}
    for b in old:
        if not is_data(b) and b.get("type") != "pagebreak":
            free.setdefault(str(b.get("text", "")), []).append(b)
    out = []
    for b in blocks:
        if is_data(b):
            out.append(b)
            continue
        same = free.get(str(b.get("text", "")))
        if same:
            previous = same.pop(0)
            kind = previous["type"] if previous.get("type") == "h3" and b["type"] == "p" else b["type"]
            out.append({**b, "type": kind, "key": previous.get("key") or uuid.uuid4().hex[:10]})
        else:
            out.append({**b, "key": uuid.uuid4().hex[:10]})
    return out


def attachments_to_text(names: list[str]) -> str:
    return "\n".join(names)


def text_to_attachments(text: str) -> list[str]:
    """One attachment name a line; numbering typed by habit ("1." / "1、") is dropped (the layout numbers them)."""
    names = []
    for line in text.splitlines():
        name = re.sub(r"^\s*\d+\s*[.．、]\s*", "", line).strip()
        if name:
            names.append(name[:200])
    return names


def school_recipients_set(document, schools) -> None:
    """The draft's school recipients become `schools`: rows of schools still chosen stay as they are
    (with their read receipts), the others go; recipients that are not schools are not touched."""
    from dudao.documents.models import DocumentRecipient

    chosen = {s.pk: s for s in schools}
    document.recipients.filter(school__isnull=False).exclude(school_id__in=list(chosen)).delete()
    have = set(document.recipients.filter(school__isnull=False).values_list("school_id", flat=True))
    DocumentRecipient.objects.bulk_create([DocumentRecipient(document=document, school=s, name=s.name)
                                           for pk, s in chosen.items() if pk not in have])
