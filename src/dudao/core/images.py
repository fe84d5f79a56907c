"""Every uploaded image goes through `image_clean` before it is stored.

An upload is untrusted: it may be truncated, a decompression bomb, or a valid picture that carries
HTML or script in a JPEG comment, an EXIF/XMP field or a PNG text chunk (served back later, such a
file is a stored XSS waiting for a browser that sniffs). So the picture is decoded completely —
a truncated file is refused, never padded with grey (Pillow's process-wide
`ImageFile.LOAD_TRUNCATED_IMAGES` must stay False: WeasyPrint turns it on when imported, so
`refuse_truncated_images()` turns it off again after that import and before every decode) — turned upright from its EXIF
orientation, flattened to RGB and written again as a fresh JPEG (or PNG) from the pixels alone: no comment,
no EXIF, no XMP, no ICC profile, nothing but the picture.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})  # MPO: JPEGs from many phone cameras
MAX_PIXELS = 60_000_000  # refused before decoding, far below what would exhaust memory


def refuse_truncated_images() -> None:
    """Undo what a library may have set for the whole process (WeasyPrint does, at import)."""
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class CleanImage:
    content: bytes  # a JPEG without any metadata
    width: int
    height: int
    facts: Any = None  # what `inspect` read from the original (EXIF date, position…)
    kind: str = "jpg"  # the stored format: "jpg", or "png" when a PNG was kept one


def image_clean(raw: bytes, *, max_side: int, quality: int = 85, max_pixels: int = MAX_PIXELS,
                formats: frozenset[str] = ALLOWED_FORMATS, inspect: Callable | None = None,
                keep_png: bool = False) -> CleanImage:
    """Decode `raw` fully and re-encode it as a bare JPEG no larger than `max_side` (a PNG stays a
    PNG with `keep_png`: screenshots of documents stay sharp); raises ValidationError in Chinese.
    `inspect(image)` may read the original's metadata first."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    not_an_image = ValidationError(_("文件不是有效的图片。"), code="invalid")
    refuse_truncated_images()
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format not in formats:
                raise ValidationError(_("只支持 JPG、PNG、WebP 格式的照片（HEIC 请在手机相机设置中选择“兼容性最佳”）。"),
                                      code="type")
            if image.width * image.height > max_pixels:
                raise ValidationError(_("照片像素过大，请缩小后再上传。"), code="pixels")
            try:
                image.load()
            except OSError as exc:
                if "truncated" in str(exc) or "broken data stream" in str(exc):
                    raise ValidationError(_("图片不完整（文件被截断或已损坏），请重新选择完整的照片。"), code="truncated") from exc
                raise
            facts = inspect(image) if inspect is not None else None
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
                rgba = upright.convert("RGBA")
                upright = Image.new("RGB", rgba.size, "white")
                upright.paste(rgba, mask=rgba.getchannel("A"))
            else:
                upright = upright.convert("RGB")
            upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            bare = Image.new("RGB", upright.size)  # pixels only: no info dict, no comment, no profile
            bare.paste(upright)
            out = io.BytesIO()
            as_png = keep_png and image.format == "PNG"
            if as_png:
                bare.save(out, format="PNG", optimize=True)
            else:
                bare.save(out, format="JPEG", quality=quality, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise not_an_image from exc
    return CleanImage(out.getvalue(), bare.width, bare.height, facts, "png" if as_png else "jpg")
