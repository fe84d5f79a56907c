"""Charts of a document as images (Pillow; no plotting library): the same JPEG bytes go into the PDF
(a data: URI) and the DOCX (an inline picture), so both show the same figure.

A chart block: ``{"type": "chart", "chart": {"kind": "bar"|"line"|"pie", "title": …, "labels": […],
"series": [{"name": …, "values": […]}], "unit": "%"}}``. Images are small (1000 × 560 px JPEG) and
memoised by their data: a report rendered as PDF and DOCX draws each chart once.
"""

from __future__ import annotations

import functools
import io
import json
import math
from typing import Any

from dudao.core.fonts import pil_font

WIDTH, HEIGHT = 1000, 560
# Print-friendly colours (distinguishable in greyscale too): blue, orange, green, red, purple, brown.
PALETTE = [(46, 99, 168), (230, 126, 34), (39, 150, 92), (192, 57, 43), (125, 60, 152), (121, 85, 72),
           (22, 160, 170), (127, 140, 141)]
INK, GRID, WHITE = (34, 34, 34), (210, 210, 210), (255, 255, 255)
KINDS = ("bar", "line", "pie")


class ChartError(ValueError):
    """The chart's data cannot be drawn (unknown kind, no values)."""


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def normalise(chart: dict[str, Any]) -> dict[str, Any]:
    """The chart's data, checked: labels as text, every series as long as the labels, numbers finite."""
    kind = chart.get("kind", "bar")
    if kind not in KINDS:
        raise ChartError(f"unknown chart kind: {kind!r}")
    labels = [str(label) for label in chart.get("labels") or []]
    series = []
    for n, s in enumerate(chart.get("series") or []):
        values = [_number(v) for v in (s.get("values") or [])][:len(labels)]
        values += [0.0] * (len(labels) - len(values))
        series.append({"name": str(s.get("name") or f"系列{n + 1}"), "values": values})
    if not labels or not series:
        raise ChartError("a chart needs labels and at least one series")
    return {"kind": kind, "title": str(chart.get("title") or ""), "labels": labels, "series": series,
            "unit": str(chart.get("unit") or "")}


def image(chart: dict[str, Any]) -> bytes:
    """The JPEG of a chart block's data (memoised on the data)."""
    return _draw(json.dumps(normalise(chart), ensure_ascii=False, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _draw(key: str) -> bytes:
    from PIL import Image, ImageDraw

    chart = json.loads(key)
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    top = 16
    if chart["title"]:
        font = pil_font("hei", 30)
        w = draw.textlength(chart["title"], font=font)
        draw.text(((WIDTH - w) / 2, top), chart["title"], fill=INK, font=font)
        top += 48
    if chart["kind"] == "pie":
        _pie(draw, chart, top)
    else:
        _axes(draw, chart, top)
    out = io.BytesIO()
    # JPEG, not PNG: WeasyPrint embeds a JPEG as it is (DCTDecode) but decodes and re-compresses every PNG,
    # which cost 40 ms a chart; at quality 92 without chroma subsampling lines and text stay clean.
    image.save(out, "JPEG", quality=92, subsampling=0)
    return out.getvalue()


def _nice_max(value: float) -> tuple[float, float]:
    """A round top of the scale and its step (5 intervals): 87 → (100, 20)."""
    if value <= 0:
        return 1.0, 0.2
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _fit(draw, text: str, font, width: float) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _legend(draw, series: list[dict], y: int) -> None:
    font = pil_font("fang", 22)
    items = [(s["name"], PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    widths = [34 + draw.textlength(name, font=font) + 24 for name, _ in items]
    x = (WIDTH - sum(widths)) / 2
    for (name, colour), w in zip(items, widths, strict=True):
        draw.rectangle([x, y + 5, x + 24, y + 23], fill=colour)
        draw.text((x + 32, y), name, fill=INK, font=font)
        x += w


def _axes(draw, chart: dict[str, Any], top: int) -> None:
    labels, series = chart["labels"], chart["series"]
    legend = len(series) > 1
    left, right, bottom = 90, WIDTH - 30, HEIGHT - (92 if legend else 56)
    if legend:
        _legend(draw, series, HEIGHT - 40)
    peak = max((v for s in series for v in s["values"]), default=0)
    floor = min((v for s in series for v in s["values"]), default=0)
    scale_max, step = _nice_max(peak)
    scale_min = 0.0 if floor >= 0 else -_nice_max(-floor)[0]
    font = pil_font("fang", 20)
    span = scale_max - scale_min or 1

    def y_of(value: float) -> float:
        return bottom - (value - scale_min) / span * (bottom - top - 10)

    tick = scale_min
    while tick <= scale_max + step / 1000:
        y = y_of(tick)
        draw.line([left, y, right, y], fill=GRID, width=1)
        text = _fmt(tick) + chart["unit"]
        draw.text((left - 10 - draw.textlength(text, font=font), y - 12), text, fill=INK, font=font)
        tick += step
    draw.line([left, top, left, bottom], fill=INK, width=2)
    draw.line([left, y_of(max(scale_min, 0)), right, y_of(max(scale_min, 0))], fill=INK, width=2)
    slot = (right - left) / len(labels)
    label_font = pil_font("fang", 20 if len(labels) <= 10 else 16)
    for i, label in enumerate(labels):
        text = _fit(draw, label, label_font, slot - 4)
        w = draw.textlength(text, font=label_font)
        draw.text((left + slot * i + (slot - w) / 2, bottom + 8), text, fill=INK, font=label_font)
    zero = y_of(max(scale_min, 0))
    if chart["kind"] == "bar":
        width = slot * 0.7 / len(series)
        for n, s in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            for i, value in enumerate(s["values"]):
                x = left + slot * i + slot * 0.15 + width * n
                y = y_of(value)
                draw.rectangle([x, min(y, zero), x + width - 2, max(y, zero)], fill=colour)
                if len(labels) * len(series) <= 16:
                    text = _fmt(value)
                    w = draw.textlength(text, font=font)
                    draw.text((x + (width - 2 - w) / 2, min(y, zero) - 24), text, fill=INK, font=font)
    else:
        for n, s in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            points = [(left + slot * i + slot / 2, y_of(v)) for i, v in enumerate(s["values"])]
            if len(points) > 1:
                draw.line(points, fill=colour, width=4, joint="curve")
            for x, y in points:
                draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=colour)


def _pie(draw, chart: dict[str, Any], top: int) -> None:
    values = [max(v, 0.0) for v in chart["series"][0]["values"]]
    total = sum(values)
    font = pil_font("fang", 22)
    size = HEIGHT - top - 30
    box = [60, top + 10, 60 + size, top + 10 + size]
    start = -90.0
    for i, value in enumerate(values):
        if total <= 0 or value <= 0:
            continue
        end = start + value / total * 360
        draw.pieslice(box, start, end, fill=PALETTE[i % len(PALETTE)], outline=WHITE, width=2)
        start = end
    x, y = 60 + size + 60, top + 20
    for i, (label, value) in enumerate(zip(chart["labels"], values, strict=True)):
        share = f"{value / total * 100:.1f}%" if total > 0 else "—"
        draw.rectangle([x, y + 6, x + 24, y + 28], fill=PALETTE[i % len(PALETTE)])
        text = _fit(draw, f"{label}  {_fmt(value)}{chart['unit']}（{share}）", font, WIDTH - x - 50)
        draw.text((x + 34, y), text, fill=INK, font=font)
        y += 38
