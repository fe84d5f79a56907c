"""Hostile spreadsheet files built by hand (zip parts written directly): what Excel never writes
but an attacker or a broken tool does."""

from __future__ import annotations

import io
import re
import zipfile

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '{overrides}</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _esc(value) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(cells: dict[str, object], dimension: str | None = None, padding: str = "") -> str:
    """cells: {"A1": "学校标识码", ...} as inline strings (numbers as numbers)."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int(re.sub("[A-Z]", "", ref))
        if isinstance(value, (int, float)):
            rows.setdefault(row, []).append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            rows.setdefault(row, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{_esc(value)}</t></is></c>')
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>{body}</sheetData>{padding}</worksheet>'


def workbook(sheets: list[tuple[str, str]]) -> bytes:
    """sheets: (name, worksheet xml) in order."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, len(sheets) + 1))
    wb = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_R}><sheets>'
          + "".join(f'<sheet name="{_esc(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _x) in enumerate(sheets, start=1))
          + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.format(overrides=overrides))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, (_n, xml) in enumerate(sheets, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buf.getvalue()


def grid(header: list[str], rows: list[list], first_row: int = 1) -> dict[str, object]:
    """Cells of a header and rows from column A, the header on `first_row`."""
    cells = {}
    for r, row in enumerate([header, *rows], start=first_row):
        for c, value in enumerate(row):
            cells[f"{chr(65 + c)}{r}"] = value
    return cells
