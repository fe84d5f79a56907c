"""One reader for the Excel files the tests get: a download response, a browser download, bytes or a path."""

from __future__ import annotations

import io
from pathlib import Path

from python_calamine import CalamineWorkbook


def xlsx_rows(source, sheet: int = 0) -> list[list]:
    """The rows of one sheet (the first by default), as python-calamine reads them."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        data = Path(source).read_bytes()
    elif hasattr(source, "streaming_content"):  # a FileResponse / StreamingHttpResponse
        data = b"".join(source.streaming_content)
    elif hasattr(source, "path") and callable(source.path):  # a Playwright download
        data = Path(source.path()).read_bytes()
    else:  # an HttpResponse
        data = source.content
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()
