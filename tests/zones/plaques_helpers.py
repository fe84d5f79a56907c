"""Read a PDF as a person would: its text (pdftotext), its pages, the QR code of a page (zbarimg)."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def page_texts(pdf: bytes) -> list[str]:
    return [pdf_text(pdf_page(pdf, n)) for n in range(page_count(pdf))]


def pdf_page(pdf: bytes, index: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(pdf)).pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def qr_codes_on_first_page(pdf: bytes) -> list[str]:
    """Render page 1 at 150 dpi, as a phone camera would see the print, and decode every QR code."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "plaque.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(source), f"{tmp}/page"],
                       check=True)
        found = subprocess.run(["zbarimg", "--raw", "-q", f"{tmp}/page.png"], capture_output=True, text=True)
    return found.stdout.splitlines()
