"""Number format of the dossier pages: a stored Decimal without trailing zeros or an exponent."""

from __future__ import annotations

from decimal import Decimal

from django import template

from dudao.evaluations.items import _fmt

register = template.Library()


@register.filter
def dec(value) -> str:
    """6500.0000 → "6500", 97.5000 → "97.5", None → "—"."""
    if value is None:
        return "—"
    return _fmt(Decimal(value))
