"""Writing one value as TOML text, and comparing parsed TOML data exactly.

An edit replaces the characters of one value with `value_text(new, old_raw,
eol, where)`: numbers in their shortest exact form, strings in the style the
old value was written in where the new value allows it (literal, basic,
multi-line), dates and times in ISO 8601. `same_data` is the equality the
edit verifier and the recovery file use: types and exact representation,
as the digest sees them.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from tui.core.tomltext import toml_string


class EditError(ValueError):
    """An edit was refused; the document is unchanged. Chinese message."""


def same_data(a: Any, b: Any) -> bool:
    """Equality of parsed TOML data that also compares types and exact
    representation, as the digest does: 1, 1.0 and True differ, 0.0 and
    -0.0 differ, and an offset date-time moved to another offset for the
    same instant differs."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)  # an untouched `nan` elsewhere must not refuse edits
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)  # 0.0 is not -0.0
    if isinstance(a, (_dt.date, _dt.time)):
        return a.isoformat() == b.isoformat()  # the same instant at another offset is a change
    return a == b


def dominant_eol(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_CTRL_ESC = {"\b": "\\b", "\f": "\\f", "\r": "\\r", "\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n"}


def _is_ctrl(ch):
    o = ord(ch)
    return o < 0x20 or o == 0x7F


def _escape_multiline(value, eol):
    """Body of a multi-line basic string: newlines as the file's line ending,
    backslashes and control characters escaped, and a quote escaped wherever
    it would make three in a row or touch the closing delimiter."""
    out = []
    quotes = 0
    for ch in value:
        if ch == '"':
            if quotes == 2:
                out.append('\\"')
                quotes = 0
            else:
                out.append('"')
                quotes += 1
            continue
        quotes = 0
        if ch == "\n":
            out.append(eol)
        elif ch == "\t":
            out.append("\t")
        elif ch == "\\":
            out.append("\\\\")
        elif _is_ctrl(ch):
            out.append(_CTRL_ESC.get(ch) or f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    if quotes:
        del out[-quotes:]
        out.append('\\"' * quotes)
    return "".join(out)


def _literal_ok(value, multiline):
    allowed = ("\t", "\n") if multiline else ("\t",)
    if any(_is_ctrl(ch) and ch not in allowed for ch in value):
        return False
    if multiline:
        return "'''" not in value and not value.endswith("'")
    return "'" not in value


def value_text(value: Any, old_raw: str, eol: str, where: str = "line") -> str:
    """TOML text for `value` replacing `old_raw`, keeping its string style
    where the new value allows it."""
    if isinstance(value, bool):
        raise TypeError("布尔值不是报告单元格的取值")
    if isinstance(value, (_dt.date, _dt.time)):
        if isinstance(value, _dt.time) and value.tzinfo is not None:
            raise EditError("TOML 的时间不能带时区")
        return value.isoformat()  # TOML dates and times are ISO 8601
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise EditError(f"数值 {value} 超出 TOML 整数范围")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise EditError(f"{value} 不是有限的数值")
        return repr(value)  # shortest text that reads back as the same float
    if not isinstance(value, str):
        raise TypeError(f"不支持的取值类型：{type(value).__name__}")
    was_multi = old_raw.startswith(('"""', "'''"))
    if where == "line" and ("\n" in value or was_multi):
        if was_multi:
            body_start = old_raw[3:]
            lead = eol if body_start.startswith(("\n", "\r\n")) or value.startswith("\n") else ""
        else:
            lead = eol
        if old_raw.startswith("'''") and _literal_ok(value, True):
            return "'''" + lead + value.replace("\n", eol) + "'''"
        return '"""' + lead + _escape_multiline(value, eol) + '"""'
    if old_raw.startswith("'") and not was_multi and _literal_ok(value, False):
        return "'" + value + "'"
    return toml_string(value)
