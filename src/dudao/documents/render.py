"""PDF of a document: the blocks in the GB/T 9704 page (templates/documents/official.html) through the
one WeasyPrint call (core/documents.py). Issue [11] item 1 refines the layout in this module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.core.documents import html_to_pdf, render_chinese

if TYPE_CHECKING:
    from dudao.documents.models import Document


def chinese_date(day) -> str:
    """GB/T 9704 7.3.5.4: 2026年3月5日 — four-digit year, no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def context(document: Document) -> dict:
    return {"doc": document, "blocks": document.body, "date": chinese_date(document.issued_on),
            "printed": chinese_date(document.issued_on)}


def render_html(document: Document) -> str:
    return render_chinese("documents/official.html", context(document))


def render_pdf(document: Document) -> bytes:
    return html_to_pdf(render_html(document))
