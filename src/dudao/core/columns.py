"""Column specifications and cell parsing with Chinese error messages.

A parser takes the raw cell (str, int, float, bool, date or None from calamine/CSV) and returns
the clean value or raises `CellError(message)`. Parsers are plain functions: fast on 100k rows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


class CellError(ValueError):
    pass


# Characters a person cannot see in a cell but that make two equal-looking codes differ: control
# characters (NUL included), zero-width and direction marks, the BOM. Refused with their code point
# shown ("U+200B"), never stripped silently.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
                        "\u180b-\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]")
_INVISIBLE_NAMES = {"\u200b": "零宽空格", "\ufeff": "字节顺序标记 BOM", "\u200c": "零宽非连接符", "\u200d": "零宽连接符",
                    "\u2060": "零宽不换行空格", "\u00ad": "软连字符", "\x00": "空字符 NUL", "\u200e": "从左到右标记",
                    "\u200f": "从右到左标记"}
# No column holds more; a longer cell is refused (and never echoed whole in a message).
MAX_CELL_CHARS = 2000


def visible(char: str) -> str:
    """An invisible character as a person can read it: "U+200B（零宽空格）"."""
    name = _INVISIBLE_NAMES.get(char) or ("控制字符" if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F else "不可见字符")
    return f"U+{ord(char):04X}（{name}）"


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    value = str(raw)
    if len(value) > MAX_CELL_CHARS:
        raise CellError(f"内容过长（{len(value):,} 个字符），单元格最多 {MAX_CELL_CHARS} 个字符")
    found = _INVISIBLE.search(value)
    if found:
        raise CellError(f"含有不可见字符 {visible(found.group())}（第 {found.start() + 1} 个字符处）：请删除后重新上传")
    return value.strip()


def _code(raw) -> str:
    """A code typed with full-width digits ("４３０１８２", common with Chinese input methods)
    is the same code: NFKC folds them (and full-width spaces) to ASCII. Only digits are folded:
    anything else is left as typed and refused by the caller."""
    value = _text(raw)
    if value and not value.isascii():
        folded = unicodedata.normalize("NFKC", value).strip()
        if folded.isascii():
            return folded
    return value


def _refuse_formula_like(text: str) -> str:
    # Text such as "=HYPERLINK(...)" would run as a formula when the data is exported again.
    if text[:1] in {"=", "+", "@"} or text[:1] == "-" and len(text) > 1 and not text[1:2].isdigit():
        raise CellError("内容不能以 = + - @ 开头（疑似公式）")
    return text


def text(max_length: int) -> Callable:
    def parse(raw) -> str:
        value = _refuse_formula_like(_text(raw))
        if len(value) > max_length:
            raise CellError(f"长度不能超过 {max_length} 个字符（现为 {len(value)}）")
        return value

    return parse


def digits(length: int) -> Callable:
    def parse(raw) -> str:
        value = _code(raw)
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError(f"应为 {length} 位数字，单元格被存成了小数，请把该列设为“文本”格式")
        if not (value.isascii() and value.isdigit() and len(value) == length):
            raise CellError(f"应为 {length} 位数字（现为“{value}”）")
        return value

    return parse


def region_code(raw) -> str:
    value = _code(raw)
    if not (value.isascii() and value.isdigit() and len(value) in (6, 9, 12)):
        raise CellError(f"应为 6 位县级或 9 位乡镇区划代码（现为“{value}”）")
    return value


def integer(*, minimum: int = 0, maximum: int = 10_000_000) -> Callable:
    def parse(raw) -> int:
        if raw.__class__ is float and raw.is_integer() and minimum <= raw <= maximum:  # the usual number cell
            return int(raw)
        if isinstance(raw, bool):
            raise CellError("应为整数")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if not raw.is_integer():
                raise CellError(f"应为整数（现为 {raw}）")
            value = int(raw)
        else:
            s = _text(raw).replace(",", "")
            if not s:
                return 0
            try:
                value = int(s)
            except ValueError:
                try:
                    f = float(s)
                except ValueError:
                    raise CellError(f"应为整数（现为“{s}”）") from None
                if not f.is_integer():
                    raise CellError(f"应为整数（现为 {s}）") from None
                value = int(f)
        if value < minimum or value > maximum:
            raise CellError(f"应在 {minimum}～{maximum} 之间（现为 {value}）")
        return value

    return parse


def decimal(*, minimum: float = 0, maximum: float = 1e10, places: int = 2) -> Callable:
    quantum = Decimal(1).scaleb(-places)

    def parse(raw) -> Decimal:
        if raw.__class__ is float and minimum <= raw <= maximum:  # the usual number cell (NaN fails the test)
            return Decimal(repr(raw)).quantize(quantum)
        if isinstance(raw, bool):
            raise CellError("应为数字")
        if raw is None or raw == "":
            return Decimal(0)
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(_text(raw).replace(",", ""))
        except InvalidOperation:
            raise CellError(f"应为数字（现为“{_text(raw)}”）") from None
        if not value.is_finite() or value < minimum or value > maximum:
            raise CellError(f"应在 {minimum:g}～{maximum:g} 之间（现为 {_text(raw)}）")
        return value.quantize(quantum)

    return parse


def optional_decimal(*, minimum: float, maximum: float, places: int = 6) -> Callable:
    inner = decimal(minimum=minimum, maximum=maximum, places=places)

    def parse(raw) -> Decimal | None:
        return None if raw is None or _text(raw) == "" else inner(raw)

    return parse


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "", "无"}


def boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    value = _text(raw).lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise CellError(f"应填“是”或“否”（现为“{value}”）")


def choice(options: dict[str, str]) -> Callable:
    """Accept the Chinese label (as in the template) or the internal value."""
    lookup = {**{label: value for value, label in options.items()}, **{v: v for v in options}}

    def parse(raw) -> str:
        value = _text(raw)
        if value in lookup:
            return lookup[value]
        if not value:
            return ""  # optional and blank: the importer applies its default (required columns never get here)
        raise CellError(f"应为以下之一：{'、'.join(options.values())}（现为“{value}”）")

    return parse


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_HINT = "应为日期，如 1975-03-02、1975/3/2 或 1975年3月2日"


def date(raw) -> dt.date | None:
    """A date cell: an Excel date (calamine gives date/datetime), a date serial number, or text
    such as 1975-03-02, 1975/3/2, 1975.3.2, 1975年3月2日 or 19750302. Blank gives None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (bool, dt.time, dt.timedelta)):
        raise CellError(f"{DATE_HINT}（现为“{raw}”）")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError(f"{DATE_HINT}（现为 {raw}）")
        number = int(raw)
        if 10_000 <= number < 80_000:  # an Excel serial (1927–2118) in a cell not formatted as a date
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        value = str(number)
    else:
        value = _text(raw)
    if value.isdigit() and len(value) == 8:
        parts = (value[:4], value[4:6], value[6:])
    else:
        match = _DATE_TEXT.match(value)
        if not match:
            raise CellError(f"{DATE_HINT}（现为“{value}”）")
        parts = match.groups()
    year, month, day = (int(p) for p in parts)
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise CellError(f"日期不存在（现为“{value}”）") from None
    if not 1900 <= result.year <= 2100:
        raise CellError(f"年份应在 1900～2100 之间（现为“{value}”）")
    return result


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    parse: Callable
    required: bool = False
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
