"""Reads of the import pages: a user's import jobs, through `ImportJob.objects.visible_to` (the
creator and the admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from dudao.access import get_visible_or_404
from dudao.imports.models import ImportJob

if TYPE_CHECKING:
    from dudao.people.models import User


def access_import_job(user: User, pk: int) -> ImportJob:
    """One import job the user sees (404 otherwise)."""
    return get_visible_or_404(ImportJob.objects.visible_to(user).select_related("created_by"), pk=pk)


def import_job_list(*, user: User, attention: bool = False) -> QuerySet[ImportJob]:
    """The user's import jobs, newest first; `attention`: only the failed or stalled ones of the last
    week (the workbench's "jobs" tile links here)."""
    jobs = ImportJob.objects.visible_to(user).select_related("created_by")
    return jobs.needing_attention() if attention else jobs
