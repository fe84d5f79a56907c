"""Numbers and defaults of complaint handling, with where they come from.

Every limit can be changed in settings (`getattr(settings, NAME, default)`), so an operator tunes
them without a code change; the response deadline is per office (ComplaintPolicy).
"""

from __future__ import annotations

from django.conf import settings

from dudao.core.sources import LOCAL_DEFAULT

# Response deadline when an office has set none. No national figure (domain-rules §9.1: "deadlines
# (regional)"); five working days is the local default the office may change.
DEFAULT_RESPONSE_DAYS = 5
DEFAULT_RESPONSE_SOURCE = LOCAL_DEFAULT + "：投诉答复时限由地方规定"

# Abuse protection of the public form and API.
PER_IP_PER_HOUR = 5
ATTEMPTS_PER_IP_PER_HOUR = 20  # every POST of the form or the API, accepted or not (guard.py)
PER_SCHOOL_PER_DAY = 50
TRACKING_LOOKUPS_PER_IP_PER_HOUR = 30  # failed look-ups only: guessing codes stays slow
MIN_SECONDS = 3  # a person needs more than this to read the form; a script posts at once
CHALLENGE_MAX_AGE = 2 * 3600
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_TEXT = 2000
MIN_TEXT = 5

# Tracking codes: 10 characters from 31 that cannot be confused when read aloud or copied by hand
# (no 0/O, 1/I/L): 31**10 ≈ 8 × 10**14 codes, and failed look-ups are rate limited.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

# A complaint category's usual problem category in the rectification ledger (the handler may pick
# another when the complaint is investigated). Keys: complaint_category, values: problem_category.
PROBLEM_CATEGORY_OF = {
    "fees": "fees",
    "enrolment": "fees",
    "teaching": "curriculum",
    "workload": "workload",
    "safety": "safety",
    "canteen": "hygiene",
    "ethics": "ethics",
    "question": "other",
    "other": "other",
}


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def per_ip_per_hour() -> int:
    return setting("DUDAO_COMPLAINTS_PER_IP_PER_HOUR", PER_IP_PER_HOUR)


def attempts_per_ip_per_hour() -> int:
    return setting("DUDAO_COMPLAINT_ATTEMPTS_PER_IP_PER_HOUR", ATTEMPTS_PER_IP_PER_HOUR)


def per_school_per_day() -> int:
    return setting("DUDAO_COMPLAINTS_PER_SCHOOL_PER_DAY", PER_SCHOOL_PER_DAY)


def lookups_per_ip_per_hour() -> int:
    return setting("DUDAO_COMPLAINT_LOOKUPS_PER_IP_PER_HOUR", TRACKING_LOOKUPS_PER_IP_PER_HOUR)


def min_seconds() -> int:
    return setting("DUDAO_COMPLAINT_MIN_SECONDS", MIN_SECONDS)


def max_photo_bytes() -> int:
    return setting("DUDAO_COMPLAINT_MAX_PHOTO_BYTES", MAX_PHOTO_BYTES)
