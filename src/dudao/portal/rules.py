"""The portal's numbers, in one place with their reasons.

公示期 (the public-notice period) is counted in working days (core/workdays.py: weekends and public
holidays do not count, 调休 Saturdays do). The minimum per kind: the appointment of supervisors
(督学聘任) ≥ 7 working days (issue [11] item 4); the other kinds default to 5 working days, the usual
period of an education department's 公示 — an office may always choose a longer one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicityKind(models.TextChoices):
    SUPERVISOR_APPOINTMENT = "supervisor_appointment", _("督学聘任")
    EVALUATION_RESULT = "evaluation_result", _("督导评估结果")
    COMMENDATION = "commendation", _("评优评先")
    OTHER = "other", _("其他事项")


MIN_WORKDAYS: dict[str, int] = {
    PublicityKind.SUPERVISOR_APPOINTMENT: 7,
    PublicityKind.EVALUATION_RESULT: 5,
    PublicityKind.COMMENDATION: 5,
    PublicityKind.OTHER: 5,
}
# The longest period accepted (a 公示 is a notice, not a standing page).
MAX_DAYS = 90

# Lists: rows per page; the paginator counts at most COUNT_CAP rows (core/pagination.py).
PER_PAGE = 20
COUNT_CAP = 3_000
# Search: pages of results a search may turn (beyond that: narrow the words).
SEARCH_MAX_PAGES = 10
# Search: the typed text is cut to this many characters; a visitor may search this often per minute.
SEARCH_MAX_CHARS = 40
SEARCHES_PER_IP_PER_MINUTE = 60
# Open data: downloads per address per hour, and the most rows one file holds (a whole province's
# years fit; narrower files are chosen with the region and year filters).
DOWNLOADS_PER_IP_PER_HOUR = 60
EXPORT_MAX_ROWS = 50_000
# Public pages may be kept this many seconds by the browser and shared caches (anonymous visitors
# only: a signed-in person's page carries their name). A withdrawn document leaves caches within it.
PUBLIC_MAX_AGE = 300
# Attachments of a 公示: size and kinds accepted.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")
