"""What kind of value each cell takes, and turning typed text into that value.

Pure (no Textual): the edit dialog validates as the user types with
`parse_input`, and only a value it accepts ever reaches the document.
"""

import datetime
import math
import re

from tui.core.address import parse_address
from tui.core.load import INT_MAX, INT_MIN

COUNT, CHANGE, AMOUNT, UNIT, TEXT, STRING, YEAR, DATE, FIXED = (
    "count", "change", "amount", "unit", "text", "string", "year", "date", "fixed")

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
}


def cell_kind(form, address):
    """The kind of an address's value for editing."""
    a = parse_address(address)
    head = a.keys[0]
    if head in ("applications", "appeals"):
        return COUNT
    if head == "text":
        return TEXT
    if head == "report":
        key = a.keys[1] if len(a.keys) > 1 else ""
        return {"year": YEAR, "published": DATE, "form": FIXED}.get(key, STRING)
    if head == "active":
        if len(a.keys) >= 2 and a.keys[1] == "summary":
            return COUNT
        row = form.active_map.get(a.keys[1]) if len(a.keys) >= 2 else None
        field = row.field_map.get(a.keys[2]) if row is not None and len(a.keys) >= 3 else None
        if field is not None:
            return {"count": COUNT, "change": CHANGE, "amount": AMOUNT, "unit": UNIT}.get(field.kind, STRING)
    return STRING


_INT = re.compile(r"[+-]?\d+\Z")
_NUM = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def _clean(raw):
    # full-width digits and signs are common when typing in a Chinese IME
    table = str.maketrans("０１２３４５６７８９＋－．，", "0123456789+-.,")
    return raw.strip().translate(table).replace(",", "").replace("_", "")


def _int64(text):
    """int(text), refusing what TOML 1.0 cannot hold (a file with it would not load again)."""
    if len(text.lstrip("+-")) > 19 or not INT_MIN <= int(text) <= INT_MAX:
        raise ValueError("数值过大（超出 64 位整数范围）")
    return int(text)


def parse_input(kind, raw, choices=("元", "万元")):
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
    if kind == TEXT:
        return raw
    raise ValueError(HINTS[FIXED])


def format_for_input(value):
    """A cell's value as editable text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
