"""What kind of value each cell takes, turning typed text into that value,
and what a key the file lacks is added as.

Pure (no Textual): the edit dialog validates as the user types with
`parse_input`, and only a value it accepts ever reaches the document. The
kinds and defaults come from the form (tui.core.forms).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable

from tui.core.address import format_address, parse_address
from tui.core.forms import AMOUNT, CHANGE, COUNT, DATE, DEFAULTS, FIXED, LEVEL, LEVELS, STRING, TEXT, UNIT, YEAR, Form
from tui.core.load import INT_MAX, INT_MIN

__all__ = ["AMOUNT", "CHANGE", "COUNT", "DATE", "DEFAULTS", "FIXED", "HINTS", "LEVEL", "STRING", "TEXT", "UNIT", "YEAR",
           "cell_kind", "format_for_input", "insertion", "parse_input"]

HINTS = {
    COUNT: "非负整数。原件留空请按 Ctrl+B 记为空白",
    CHANGE: "整数，可带正负号，如 +3、-18",
    AMOUNT: "不小于 0 的数，可带小数",
    UNIT: "元 或 万元",
    STRING: "文字",
    YEAR: "四位年份，如 2024",
    DATE: "日期，如 2025-01-20",
    TEXT: "正文",
    FIXED: "此项不能在工作台中修改",
    LEVEL: "government（本级政府，次年3月31日前公布）或 department（部门，次年1月31日前公布）",
}


def cell_kind(form: Form, address) -> str:
    """The kind of an address's value for editing (the form answers)."""
    return form.cell_kind(address)


def insertion(form: Form, address: str, lacks: Callable[[str], bool]) -> tuple:
    """For a cell the file lacks: (key to add, its default value, the cell the
    editor edits, where that cell sits in the value: index, field or None).

    `lacks(address)` says whether the file lacks that key: a whole missing row
    is added with the form's blank row, not one cell. ValueError when the
    address cannot be parsed."""
    a = parse_address(address)
    keys = a.keys
    table = form.tables.get(keys[0])
    if table is not None and form.table_row(keys) is not None:
        row = format_address(keys)
        if lacks(row):  # the whole row: its cells are shown, the key is not in the file
            index = a.index if a.index is not None and a.index < table.width else 0
            return row, table.blank_row(), format_address(keys, index), index
    if keys[0] == "active" and len(keys) in (2, 3) and keys[1] in form.active_map:
        row = format_address(keys[:2])
        if lacks(row):  # a row of 二: an inline table of its required fields
            value = form.blank_active_row(keys[1], also=keys[2] if len(keys) == 3 else None)
            field = keys[2] if len(keys) == 3 and keys[2] in value else next(iter(value))
            return row, value, format_address(keys[:2] + (field,)), field
    return address, form.default_value(address), address, None


_INT = re.compile(r"[+-]?\d+\Z")
_NUM = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def _clean(raw):
    # full-width digits and signs are common when typing in a Chinese IME
    table = str.maketrans("０１２３４５６７８９＋－．，", "0123456789+-.,")
    return raw.strip().translate(table).replace(",", "").replace("_", "")


def _int64(text: str) -> int:
    """int(text), refusing what TOML 1.0 cannot hold (a file with it would not load again)."""
    if len(text.lstrip("+-")) > 19 or not INT_MIN <= int(text) <= INT_MAX:
        raise ValueError("数值过大（超出 64 位整数范围）")
    return int(text)


def parse_input(kind: str, raw: str, choices: tuple = ("元", "万元")):
    """Typed text → value, or ValueError with a Chinese message."""
    text = _clean(raw) if kind in (COUNT, CHANGE, AMOUNT, YEAR) else raw
    if kind == COUNT:
        if not re.fullmatch(r"\d+", text):
            raise ValueError("应为非负整数" + ("（留空请按 Ctrl+B）" if not text else ""))
        return _int64(text)
    if kind == CHANGE:
        if not _INT.match(text):
            raise ValueError("应为整数，可带正负号")
        return _int64(text)
    if kind == AMOUNT:
        if not _NUM.match(text) or text.startswith("-"):
            raise ValueError("应为不小于 0 的数")
        if "." not in text:
            return _int64(text)
        value = float(text)
        if not math.isfinite(value):
            raise ValueError("数值过大")
        return value
    if kind == YEAR:
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError("应为四位年份")
        return int(text)
    if kind == UNIT:
        if raw.strip() not in choices:
            raise ValueError("应为 " + " 或 ".join(choices))
        return raw.strip()
    if kind == DATE:
        try:
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError("应为日期，如 2025-01-20") from None
    if kind == STRING:
        if not raw.strip():
            raise ValueError("不能为空")
        return raw.strip()
    if kind == LEVEL:
        text = raw.strip()
        for value, name in LEVELS.items():
            if text in (value, name):
                return value
        raise ValueError("应为 " + " 或 ".join(f"{v}（{n}）" for v, n in LEVELS.items()))
    if kind == TEXT:
        return raw
    raise ValueError(HINTS[FIXED])


def format_for_input(value) -> str:
    """A cell's value as editable text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
