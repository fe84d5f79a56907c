"""Pinyin initials for searching school names by what people type on a phone ("nxsyz")."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Place-name polyphones that the general dictionary reads wrongly (stack.md).
load_phrases_dict(
    {
        "宁乡": [["níng"], ["xiāng"]],
        "长沙": [["cháng"], ["shā"]],
        "长郡": [["cháng"], ["jùn"]],
        "曾都": [["zēng"], ["dū"]],
        "单县": [["shàn"], ["xiàn"]],
        "浏阳": [["liú"], ["yáng"]],
        "重庆": [["chóng"], ["qìng"]],
        "六安": [["lù"], ["ān"]],
        "蚌埠": [["bèng"], ["bù"]],
        "中学": [["zhōng"], ["xué"]],
    }
)


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """'宁乡市第一中学' -> 'nxsdyzx'. Non-Chinese characters are kept lower-cased."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: list(s.lower()))
    return "".join(ch for part in letters for ch in part.lower() if ch.isalnum())
