"""The `dudao balance` template as a download (the same file `dudao balance --template` writes).

It holds no data, only headers, two example rows and the method, so any signed-in person may
download it; an unknown `?scheme=` answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from dudao.core.excel import xlsx_download
from dudao.monitoring.balance_file import template_write
from dudao.monitoring.standards import DEFAULT_SCHEME, SCHEMES


@login_required
@require_GET
def balance_template(request: HttpRequest) -> HttpResponse:
    scheme = request.GET.get("scheme") or DEFAULT_SCHEME
    if scheme not in SCHEMES:
        raise Http404
    return xlsx_download(f"{SCHEMES[scheme].label}指标计算模板.xlsx", lambda path: template_write(path, scheme))
