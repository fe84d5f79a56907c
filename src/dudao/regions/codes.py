"""The chain above a region, from its code alone.

Division codes nest by prefix (GB/T 2260 and the township codes): 43 → 4301 → 430182 → 430182101.
No imports: the access layer (read scope) and the regions' selectors both use it."""

from __future__ import annotations

REGION_WIDTHS = (2, 4, 6, 9, 12)

__all__ = ["REGION_WIDTHS", "ancestor_codes", "chain_codes"]


def ancestor_codes(code: str) -> list[str]:
    """'430182101' -> ['43', '4301', '430182', '430182101'] (widths 2, 4, 6, 9, 12), the code itself last."""
    return [code[:n] for n in REGION_WIDTHS if n <= len(code)]


def chain_codes(code: str, *, down_to: int = 12) -> list[str]:
    """The code and the codes above it, **nearest first**, starting no lower than width `down_to`
    (6: from the county up, for what a county office answers for)."""
    return [c for c in reversed(ancestor_codes(code)) if len(c) <= down_to]
