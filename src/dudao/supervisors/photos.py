"""Supervisor photos: the plaque shows one (挂牌办法 Art 2), so uploads are checked and made small.

An upload must be a JPEG, PNG or WebP of at most 5 MB that Pillow can really decode. It is stored
re-encoded as a JPEG no larger than 600 px on its long side: that drops EXIF data (GPS positions
of phone photos included) and anything hidden behind a valid image header.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 600
MAX_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own limit
ALLOWED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEGs from some phone cameras


def photo_prepare(upload) -> ContentFile:
    """Check an uploaded photo and return it re-encoded; raises ValidationError in Chinese."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(_("照片只支持 JPG、PNG 或 WebP 格式。"), code="type")
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("照片不能超过 5 MB（现为 %(mb).1f MB）。") % {"mb": upload.size / 1048576}, code="size"
        )
    not_an_image = ValidationError(_("文件不是有效的图片，请重新选择照片。"), code="invalid")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大，请缩小后再上传。"), code="pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
