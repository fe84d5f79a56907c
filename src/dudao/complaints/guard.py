"""The public complaint form and API before Django reads their body (a middleware).

Both take files from anyone, so every POST is counted as an attempt toward the address's limit
first — a failed challenge, an invalid form or a refused photo included (abuse.py counts accepted
complaints separately). Then, still before a byte of the body is parsed: a body larger than
MAX_PHOTOS photos of the largest size (plus the text) is refused from its Content-Length, and an
upload handler stops storing at the (MAX_PHOTOS + 1)th file or at the first file over the size
limit, so no oversized or surplus file is ever read into memory or written to disk.

It runs before CsrfViewMiddleware (settings.MIDDLEWARE), which would otherwise parse the body.
"""

from __future__ import annotations

import json

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dudao.complaints import abuse, rules

GUARDED = {"public:complaint", "api-1:complaint_submit"}
TEXT_ALLOWANCE = 256 * 1024  # the text fields of the form, generously
REFUSED = "complaint_upload_refused"


def body_limit() -> int:
    return rules.MAX_PHOTOS * rules.max_photo_bytes() + TEXT_ALLOWANCE


def too_many_message() -> str:
    return _("最多上传 %(n)s 张照片。") % {"n": rules.MAX_PHOTOS}


def too_large_message() -> str:
    return _("照片过大：单张不超过 %(max)s MB。") % {"max": rules.max_photo_bytes() // 1048576}


class PhotoLimitHandler(FileUploadHandler):
    """Skip every file past the number allowed or over the size allowed, and say why."""

    def __init__(self, request: HttpRequest):
        super().__init__(request)
        self.files = 0
        self.received = 0
        self.limit = rules.max_photo_bytes()

    def _refuse(self, message: str) -> None:
        setattr(self.request, REFUSED, message)
        raise SkipFile

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.files += 1
        self.received = 0
        if field_name != "photos" or self.files > rules.MAX_PHOTOS:
            self._refuse(too_many_message())
        return super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(too_large_message())
        return raw_data

    def file_complete(self, file_size):
        return None


class PublicUploadGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if request.method != "POST" or match is None or match.view_name not in GUARDED:
            return None
        api = match.view_name.startswith("api-")
        try:
            abuse.attempt_count(abuse.ip_hash(abuse.client_ip(request)))
        except abuse.RateLimited as exc:
            return self._refuse(request, view_kwargs, api, exc.message, 429)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit():
            message = _("提交的内容过大（%(mb).1f MB）：最多 %(n)s 张照片，单张不超过 %(max)s MB。") % {
                "mb": length / 1048576, "n": rules.MAX_PHOTOS, "max": rules.max_photo_bytes() // 1048576}
            return self._refuse(request, view_kwargs, api, message, 413)
        request.upload_handlers.insert(0, PhotoLimitHandler(request))
        return None

    @staticmethod
    def _refuse(request: HttpRequest, view_kwargs: dict, api: bool, message: str, status: int) -> HttpResponse:
        """Answer without reading the body (the connection's unread body is discarded by the server)."""
        if api:
            from dudao.core.errors import error_body

            return HttpResponse(json.dumps(error_body(message, status=status), ensure_ascii=False), status=status,
                                content_type="application/json; charset=utf-8")
        from dudao.complaints.views.public import complaint_form_refused

        return complaint_form_refused(request, view_kwargs.get("code", ""), message, status)


def upload_refusal(request: HttpRequest) -> str:
    """The reason the guard skipped a file of this request ("" when none was skipped)."""
    return getattr(request, REFUSED, "")
