"""Uploaded files that no row refers to any more, removed once a day (job `core.media_cleanup`).

Django never deletes a stored file: a replaced supervisor photo, an upload whose transaction was
rolled back (a duplicate visit photo, a refused piece of evidence) or a row deleted later all
leave their file behind. Only the folders our file fields upload to are looked at, only files
older than a day are removed (an upload in progress is never touched), and nothing happens
unless the files live on the local file system.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models

GRACE = timedelta(days=1)


def _file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [(model, field) for model in apps.get_models() for field in model._meta.get_fields()
            if isinstance(field, models.FileField) and not field.many_to_many]


def _top_folder(field: models.FileField) -> str:
    """The fixed first part of `upload_to` ("visits/photos/%Y/%m/" → "visits/photos")."""
    upload_to = field.upload_to if isinstance(field.upload_to, str) else ""
    fixed = []
    for part in upload_to.strip("/").split("/"):
        if not part or "%" in part:
            break
        fixed.append(part)
    return "/".join(fixed)


def media_cleanup(now: float | None = None) -> dict[str, int]:
    """Delete unreferenced files older than GRACE under our upload folders; returns the counts."""
    if not isinstance(default_storage, FileSystemStorage):
        return {"checked": 0, "deleted": 0, "bytes": 0, "skipped": 1}
    referenced: set[str] = set()
    folders: set[str] = set()
    for model, field in _file_fields():
        folder = _top_folder(field)
        if not folder:
            continue  # a callable or an empty upload_to: nothing safe to sweep
        folders.add(folder)
        referenced.update(name for name in model._default_manager.exclude(**{field.name: ""})
                          .values_list(field.name, flat=True) if name)
    root = Path(default_storage.location)
    cutoff = (now or time.time()) - GRACE.total_seconds()
    checked = deleted = freed = 0
    for folder in sorted(folders):
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(base):
            for filename in files:
                path = Path(dirpath) / filename
                checked += 1
                name = path.relative_to(root).as_posix()
                stat = path.stat()
                if name in referenced or stat.st_mtime > cutoff:
                    continue
                path.unlink(missing_ok=True)
                deleted += 1
                freed += stat.st_size
    return {"checked": checked, "deleted": deleted, "bytes": freed}
