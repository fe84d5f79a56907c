"""Download responses: one way to send a file, with its Chinese name (RFC 6266 / RFC 5987).

`Content-Disposition: attachment; filename*=UTF-8''<percent-encoded UTF-8>` is understood by every
browser we support and keeps 整改通知书-某某小学.pdf intact; the name is encoded with no safe
character, so a "/" or ";" in a school's name cannot cut it.

- `download_response(content, filename, content_type)`: bytes (a rendered PDF/DOCX) or an open file
  (a temporary xlsx, a stored batch), as attachment or inline.
- `stored_file_response(field_file, content_type)`: a file of a FileField/ImageField served through
  the caller's scope check; a missing file answers 404, never 500.
"""

from __future__ import annotations

from typing import IO, cast
from urllib.parse import quote

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PRIVATE_CACHE = "private, max-age=3600"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    return f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(content: bytes | IO[bytes], filename: str | None, content_type: str, *, inline: bool = False,
                      cache_control: str | None = None, nosniff: bool = False) -> HttpResponse:
    """Bytes become an HttpResponse, an open file a streamed FileResponse (closed when sent). The
    one place the download headers are set; `filename=None` sends no Content-Disposition of ours."""
    if isinstance(content, bytes | bytearray):
        response: HttpResponse = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    if filename is not None:
        response["Content-Disposition"] = content_disposition(filename, inline=inline)
    if cache_control:
        response["Cache-Control"] = cache_control
    if nosniff:
        response["X-Content-Type-Options"] = "nosniff"
    return response


def open_stored(field_file: FieldFile | None) -> IO[bytes]:
    """The stored file opened for reading, or 404 when it is gone (deleted, never saved)."""
    if not field_file:
        raise Http404
    try:
        return field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc


def stored_file_response(field_file: FieldFile | None, content_type: str, *, filename: str | None = None,
                         inline: bool = True, cache_control: str | None = PRIVATE_CACHE,
                         nosniff: bool = False) -> FileResponse:
    """A photo or an evidence file, after the caller's scope check. Without `filename`, no
    Content-Disposition is sent (photos shown in a page)."""
    response = download_response(open_stored(field_file), filename, content_type, inline=inline,
                                 cache_control=cache_control, nosniff=nosniff)
    return cast(FileResponse, response)  # an open file is always streamed
