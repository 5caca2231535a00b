"""Where every value sits in a TOML text: path → (start, end) character span.

Edits of a report replace exactly the characters of one value and nothing
else, so every other byte (comments, spacing, key order, dotted keys, number
formatting, line endings) survives by construction. This module finds those
spans. It scans text that tomllib has already accepted, so it does not
validate; the editor verifies every edit by re-parsing the whole text with
tomllib and comparing with the intended data, so a scanner mistake can only
refuse an edit, never damage a file.

Paths are tuples of keys (str) and array positions (int):
`applications.outcome.total[6]` is ('applications', 'outcome', 'total', 6).
Arrays and inline tables get a span as well (their brackets included).
An element of an array of tables `[[review.signoff]]` is ('review', 'signoff', n).

Each span also says where the value stands: "line" (the value of a
`key = value` line) or "nested" (inside an array or inline table), which
decides whether a multi-line string may be written there.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.address import Address

_WS = re.compile(r"[ \t]*")
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")  # whitespace, newlines, comments
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_REST = re.compile(r'(?:[^"\\\n]|\\.)*"', re.S)
_ML_BASIC_REST = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?"
    r"|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
)
_SCALAR = re.compile(r"[^ \t\r\n,\]}#]+")


class ScanError(Exception):
    """The scanner did not understand the text (should not happen for text
    tomllib accepted; edits are then refused)."""


class Span:
    __slots__ = ("start", "end", "where")

    def __init__(self, start, end, where):
        self.start = start
        self.end = end
        self.where = where  # "line" or "nested"

    def __repr__(self):
        return f"Span({self.start}, {self.end}, {self.where!r})"


def path_of(address: Address) -> tuple:
    """The span path of a tui.core.address.Address."""
    keys = tuple(address.keys)
    return keys if address.index is None else keys + (address.index,)


def scan(text: str) -> dict[tuple, Span]:
    """All value spans of `text`: {path: Span}."""
    try:
        return _Scanner(text).run()
    except (IndexError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ScanError(str(exc)) from exc


class Structure:
    """The spans of a text plus where its keys are written: `lines` lists
    every `key = value` line as (table, keys) — the path of the `[table]`
    header it sits under (() at the top, with the element number inside an
    array of tables) and its own, possibly dotted, keys — and `headers` the
    paths of the `[table]` headers (not arrays of tables), in file order."""

    __slots__ = ("spans", "lines", "headers")

    def __init__(self, spans, lines, headers):
        self.spans = spans
        self.lines = lines
        self.headers = headers


def structure(text: str) -> Structure:
    """The Structure of `text` (which tomllib accepted). Raises ScanError."""
    scanner = _Scanner(text, record=True)
    try:
        spans = scanner.run()
    except (IndexError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ScanError(str(exc)) from exc
    return Structure(spans, scanner.lines, scanner.headers)


class _Scanner:
    def __init__(self, text, record=False):
        self.text = text
        self.spans = {}
        self.aot = {}  # resolved path of an array of tables → index of its last element
        self.lines = [] if record else None
        self.headers = [] if record else None

    def run(self):
        text = self.text
        n = len(text)
        table = ()
        pos = 0
        while True:
            pos = _SKIP.match(text, pos).end()
            if pos >= n:
                break
            if text.startswith("[[", pos):
                keys, pos = self.key(pos + 2)
                pos = self.expect(pos, "]]")
                base = self.resolve(keys[:-1]) + keys[-1:]
                index = self.aot.get(base, -1) + 1
                self.aot[base] = index
                table = base + (index,)
            elif text[pos] == "[":
                keys, pos = self.key(pos + 1)
                pos = self.expect(pos, "]")
                table = self.resolve(keys)
                if self.headers is not None:
                    self.headers.append(table)
            else:
                keys, pos = self.key(pos)
                if self.lines is not None:
                    self.lines.append((table, keys))
                pos = self.expect(pos, "=")
                pos = _WS.match(text, pos).end()
                pos = self.value(pos, table + keys, "line")
        return self.spans

    def resolve(self, keys):
        """A header's path with the current element of any array of tables."""
        out = ()
        for key in keys:
            out += (key,)
            if out in self.aot:
                out += (self.aot[out],)
        return out

    def expect(self, pos, token):
        pos = _WS.match(self.text, pos).end()
        if not self.text.startswith(token, pos):
            raise ValueError(f"expected {token!r} at {pos}")
        return pos + len(token)

    def key(self, pos):
        text = self.text
        parts = []
        while True:
            pos = _WS.match(text, pos).end()
            c = text[pos]
            if c == '"':
                m = _BASIC_REST.match(text, pos + 1)
                if not m:
                    raise ValueError(f"unterminated key at {pos}")
                raw = text[pos:m.end()]
                parts.append(raw[1:-1] if "\\" not in raw else tomllib.loads(f"k = {raw}")["k"])
                pos = m.end()
            elif c == "'":
                end = text.index("'", pos + 1)
                parts.append(text[pos + 1:end])
                pos = end + 1
            else:
                m = _BARE.match(text, pos)
                if not m:
                    raise ValueError(f"expected a key at {pos}")
                parts.append(m.group())
                pos = m.end()
            pos = _WS.match(text, pos).end()
            if pos < len(text) and text[pos] == ".":
                pos += 1
                continue
            return tuple(parts), pos

    def value(self, pos, path, where):
        text = self.text
        c = text[pos]
        start = pos
        if c == "[":
            pos = self.array(pos, path)
        elif c == "{":
            pos = self.inline_table(pos, path)
        elif text.startswith('"""', pos):
            m = _ML_BASIC_REST.match(text, pos + 3)
            if not m:
                raise ValueError(f"unterminated string at {pos}")
            pos = self.extra_quotes(m.end(), '"')
        elif c == '"':
            m = _BASIC_REST.match(text, pos + 1)
            if not m:
                raise ValueError(f"unterminated string at {pos}")
            pos = m.end()
        elif text.startswith("'''", pos):
            pos = self.extra_quotes(text.index("'''", pos + 3) + 3, "'")
        elif c == "'":
            pos = text.index("'", pos + 1) + 1
        else:
            m = _DATETIME.match(text, pos)
            if m and (m.end() >= len(text) or text[m.end()] in " \t\r\n,]}#"):
                pos = m.end()
            else:
                m = _SCALAR.match(text, pos)
                if not m:
                    raise ValueError(f"expected a value at {pos}")
                pos = m.end()
        if path in self.spans:
            raise ValueError(f"duplicate path {path!r}")
        self.spans[path] = Span(start, pos, where)
        return pos

    def extra_quotes(self, pos, quote):
        """A closing delimiter may be preceded by up to two more quotes that
        belong to the content: the string ends after the whole run."""
        for _ in range(2):
            if pos < len(self.text) and self.text[pos] == quote:
                pos += 1
        return pos

    def array(self, pos, path):
        text = self.text
        pos += 1
        i = 0
        while True:
            pos = _SKIP.match(text, pos).end()
            if text[pos] == "]":
                return pos + 1
            pos = self.value(pos, path + (i,), "nested")
            i += 1
            pos = _SKIP.match(text, pos).end()
            if text[pos] == ",":
                pos += 1
            elif text[pos] != "]":
                raise ValueError(f"expected ',' or ']' at {pos}")

    def inline_table(self, pos, path):
        text = self.text
        pos += 1
        while True:
            pos = _SKIP.match(text, pos).end()
            if text[pos] == "}":
                return pos + 1
            keys, pos = self.key(pos)
            pos = self.expect(pos, "=")
            pos = _WS.match(text, pos).end()
            pos = self.value(pos, path + keys, "nested")
            pos = _SKIP.match(text, pos).end()
            if text[pos] == ",":
                pos += 1
            elif text[pos] != "}":
                raise ValueError(f"expected ',' or '}}' at {pos}")
