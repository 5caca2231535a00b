"""Writing small TOML fragments by hand (keys, strings) without tomlkit.

Used where the text is generated, not edited: blank reports and appended
review records, so that the check path never needs tomlkit.
"""

from __future__ import annotations

from tui.core.address import quote_key

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return quote_key(key)
