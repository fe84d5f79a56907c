"""Supervisor photos: the plaque shows one (挂牌办法 Art 2), so uploads are checked and made small.

An upload must be a JPEG, PNG or WebP of at most 5 MB that Pillow can really decode. It is stored
re-encoded as a JPEG no larger than 600 px on its long side (core/images.py): that drops EXIF data
(GPS positions of phone photos included), comments and anything hidden behind a valid image header.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from dudao.core.images import image_clean

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 600
MAX_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own limit
ALLOWED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})  # MPO: JPEGs from some phone cameras


def photo_prepare(upload) -> ContentFile:
    """Check an uploaded photo and return it re-encoded; raises ValidationError in Chinese."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(_("照片只支持 JPG、PNG 或 WebP 格式。"), code="type")
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("照片不能超过 5 MB（现为 %(mb).1f MB）。") % {"mb": upload.size / 1048576}, code="size"
        )
    upload.seek(0)
    raw = upload.read(MAX_PHOTO_BYTES + 1)
    if len(raw) > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 5 MB。"), code="size")
    try:
        clean = image_clean(raw, max_side=MAX_SIDE, max_pixels=MAX_PIXELS, formats=ALLOWED_FORMATS)
    except ValidationError as exc:
        if exc.code == "type":
            raise ValidationError(_("照片只支持 JPG、PNG 或 WebP 格式。"), code="type") from exc
        if exc.code == "invalid":
            raise ValidationError(_("文件不是有效的图片，请重新选择照片。"), code="invalid") from exc
        raise
    return ContentFile(clean.content, name=f"{uuid.uuid4().hex}.jpg")
