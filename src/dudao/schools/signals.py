"""Signals the schools app sends; other apps listen (monitoring recomputes a county's figures)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after `school_update` changed fields that decide whether and how a school is counted
# (kind, ownership, county-run, city-direct, in operation, region).
# Arguments: school, changed (set of field names), old_region_code.
school_basics_changed = Signal()
