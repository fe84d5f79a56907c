"""The public school page (no login): the stable address printed under every plaque's QR code.

It does not go through the scope mechanism (`visible_to`): its readers are parents and the public,
who have no account, so there is no scope to apply. Instead it shows a fixed list of public
fields only — the school's name, kind, address and phone, its responsible supervisors' names,
photos and MASKED phones, the supervision items and the office's complaint phone — the same facts
the plaque on the school's wall shows, minus the full phone (a web page can be scraped).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dudao.zones.plaques import public_school


@require_GET
def school(request: HttpRequest, code: str) -> HttpResponse:
    """Active schools only; an unknown or closed school's code answers the 404 page."""
    plaque = public_school(code)
    return render(request, "zones/public_school.html", {"plaque": plaque, "school": plaque.school})
