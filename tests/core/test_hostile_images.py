"""Hostile images (issue [6] item 5): a truncated file is refused in every process, and what is
stored is the picture alone — re-encoded, upright, without the comment or metadata that carried
HTML or script."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile, PngImagePlugin

import dudao
from dudao.core.images import image_clean
from dudao.supervisors.photos import photo_prepare
from dudao.visits.services import photo_facts
from tests.imports.helpers import upload

SCRIPT = b"<script>alert(document.cookie)</script><img src=x onerror=alert(1)>"


def jpeg(size=(400, 300), **params) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", quality=90, **params)
    return out.getvalue()


def jpeg_with_script() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = SCRIPT.decode()  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    return jpeg(comment=SCRIPT, exif=exif.tobytes(), xmp=b"<x:xmpmeta>" + SCRIPT + b"</x:xmpmeta>")


def png_with_script() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("Description", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGBA", (120, 80), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_no_module_turns_on_loading_truncated_images():
    """Import every Dudao module (the apps are loaded by pytest-django): the flag stays False."""
    for module in pkgutil.walk_packages(dudao.__path__, "dudao."):
        if ".migrations." in module.name or module.name.endswith(("__main__", ".sandbox")):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:
            continue
    from dudao.core.documents import html_to_pdf as render_pdf

    assert render_pdf("<p>公示牌</p>").startswith(b"%PDF")  # imports WeasyPrint, which turns the flag on
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_truncated_image_is_refused_even_when_a_library_allowed_them():
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what WeasyPrint does at import, for the whole process
    with pytest.raises(ValidationError) as refused:
        image_clean(jpeg()[:2000], max_side=1000)
    assert refused.value.code == "truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("clean", [
    lambda raw: image_clean(raw, max_side=1000),
    lambda raw: photo_facts(raw),
    lambda raw: photo_prepare(upload("photo.jpg", raw)),
])
def test_a_truncated_image_is_refused(clean):
    raw = jpeg((800, 600))
    with pytest.raises(ValidationError) as refused:
        clean(raw[: len(raw) // 2])
    assert "图片" in refused.value.messages[0]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_truncated_message_says_so():
    raw = jpeg((800, 600))
    with pytest.raises(ValidationError, match="图片不完整"):
        image_clean(raw[: len(raw) // 2], max_side=1000)


@pytest.mark.parametrize("raw", [jpeg_with_script(), png_with_script()], ids=["jpeg-comment-exif-xmp", "png-text"])
def test_script_in_metadata_is_not_stored(raw):
    assert SCRIPT[:20] in raw
    clean = image_clean(raw, max_side=1000)
    assert b"script" not in clean.content and b"onerror" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as stored:
        stored.load()
        assert stored.format == "JPEG"
        assert not stored.getexif() and "comment" not in stored.info and "xmp" not in stored.info
        assert "icc_profile" not in stored.info


def test_exif_orientation_is_applied_before_the_metadata_is_dropped():
    clean = image_clean(jpeg_with_script(), max_side=1000)
    assert (clean.width, clean.height) == (300, 400)  # stored upright: 400×300 turned a quarter


def test_supervisor_and_visit_photos_are_stored_bare():
    stored = photo_prepare(upload("photo.jpg", jpeg_with_script())).read()
    assert b"script" not in stored
    facts = photo_facts(jpeg_with_script())
    assert b"script" not in facts.content and (facts.width, facts.height) == (300, 400)
