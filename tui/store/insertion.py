"""Adding a key the file lacks (EditableReport.insert), with no rewriting.

The new `key = value` line (or inline-table field) is written by hand next
to its siblings, in the order of the printed form, the way its section
writes keys (dotted keys, inline tables), in the file's own line ending:
after the preceding sibling's line, before the following sibling's comment
lines, below a comment that names the key's printed label. Where things are
comes from tui.store.spans (the same scanner the edits use), so no TOML
library renders anything and every other byte stays as it was.

The result is only taken when it is a pure insertion (one contiguous run of
new characters, whole lines outside inline tables) in the file's line
endings that parses to the old data plus exactly the new key; otherwise the
insertion is refused and nothing changes.

tomlkit is not used here: it needed its private `_raw_append`/`_insert_at`
to place a key, lost the formatting of numbers, wrote bare "\\n" into CRLF
files and has open bugs with tables split out of order (#571, #577).
"""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

from tui.core.address import Address, format_address, parse_address, quote_key
from tui.store import spans as _spans
from tui.store.values import EditError, same_data, value_text

_TOP_ORDER = ("report", "text", "active", "applications", "appeals")
_REPORT_ORDER = ("form", "agency", "region", "year", "title", "published", "source")


def _form_of(data):
    from tui.core.forms import get_form

    ident = data.get("report")
    form_id = ident.get("form") if isinstance(ident, dict) else None
    return get_form(form_id) if isinstance(form_id, str) else None


def _child_order(data, parent):
    """Names of the children of table `parent` in the order of the printed
    form, or None when the form says nothing about that table."""
    if parent == ():
        return _TOP_ORDER
    if parent == ("report",):
        return _REPORT_ORDER
    form = _form_of(data)
    return form.child_order(parent) if form is not None else None  # the form answers


def _insert_value_text(value, eol, where):
    """TOML text of a new value: arrays and inline tables on one line, in
    the style of the report files (`[0, 0]`, `{ amount = 0 }`)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"不支持的键：{key!r}")
        return "{ " + ", ".join(f"{quote_key(k)} = {_insert_value_text(v, eol, 'nested')}"
                                for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_insert_value_text(v, eol, "nested") for v in value) + "]"
    return value_text(value, "", eol, where)


def value_raw(value: Any, eol: str = "\n") -> str:
    """TOML text of a new value as the report files write it: arrays and
    inline tables on one line (`[0, 0]`, `{ amount = 0 }`)."""
    return _insert_value_text(value, eol, "line")


def plain(value: Any) -> Any:
    """`value` as tomllib would read it back (tuples become lists)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _common_prefix(a, b):
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # binary search on slice equality: memcmp speed on large texts
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def pure_insertion(old: str, new: str) -> tuple[int, str] | None:
    """(pos, inserted) when `new` is `old` with one contiguous run of
    characters inserted, else None. Of the equivalent positions the one at
    the start of a line is preferred."""
    k = len(new) - len(old)
    if k <= 0:
        return None
    p = _common_prefix(old, new)
    if new[p + k:] != old[p:]:
        return None  # the middle of the old text is not empty: something else changed
    lo = p
    while lo > 0 and old[lo - 1] == new[lo - 1 + k]:
        lo -= 1  # the same insertion, one character earlier
    for q in range(p, lo - 1, -1):
        if q == 0 or old[q - 1] == "\n":
            return q, new[q:q + k]
    return p, new[p:p + k]


def _eol_ok(inserted, eol):
    """The inserted text breaks lines only with the file's line ending."""
    if eol == "\r\n":
        rest = inserted.replace("\r\n", "")
        return "\n" not in rest and "\r" not in rest
    return "\r" not in inserted


class _Spot:
    """A `key = value` line: the table it is written under (`prefix`, the
    path of its `[header]`, () at the top) and the full path of its value."""

    __slots__ = ("prefix", "path")

    def __init__(self, prefix, path):
        self.prefix = prefix
        self.path = path


class _Layout:
    """Where every key/value line, header table and inline table of a text
    is, from tui.store.spans. Dotted keys (`outcome.other.other = […]`) are
    one line under the table whose header precedes them; lines inside arrays
    of tables are left out (review records are never inserted into)."""

    def __init__(self, text):
        found = _spans.structure(text)
        self.spans = found.spans
        self.lines = [_Spot(table, table + keys) for table, keys in found.lines
                      if not any(isinstance(k, int) for k in table)]
        self.tables = {h for h in found.headers if not any(isinstance(k, int) for k in h)}
        self.inlines = {}  # path of an inline table written as a line's value → its field names in order
        for spot in self.lines:
            span = self.spans.get(spot.path)
            if span is not None and text.startswith("{", span.start):
                self.inlines[spot.path] = []
        for path, span in sorted(self.spans.items(), key=lambda item: item[1].start):
            for depth in range(1, len(path)):
                fields = self.inlines.get(path[:depth])
                if fields is not None and isinstance(path[depth], str) and path[depth] not in fields:
                    fields.append(path[depth])


class _Placement:
    """Where a new key goes.

    mode:
      "after"        a line after the line of `anchor`
      "before"       a line before the line of `anchor`
                     (both: placed among the comment lines in between by
                     _comments_to_keep_above)
      "table-start"  the first line of the empty-of-lines table with header `header`
      "inline-after" a field after field `anchor` of inline table `inline`
      "inline-first" the first field of inline table `inline`
      "new-table"    a new `[header]` table after the last line of the top-level table `anchor`
    `rel` is the key as written there (relative to the table it lands in),
    `anchor`, `header` and `inline` are key paths.
    """

    __slots__ = ("mode", "anchor", "rel", "header", "inline", "label")

    def __init__(self, mode, rel, anchor=None, header=None, inline=None):
        self.label = None  # the key's printed label, to find its comment line
        self.mode = mode
        self.rel = rel
        self.anchor = anchor
        self.header = header
        self.inline = inline


def _line_end(text, pos):
    """Position just after the line break that ends the line holding `pos`
    (len(text) on a last line without one)."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl + 1


def _line_start(text, pos):
    return text.rfind("\n", 0, pos) + 1


def _comments_to_keep_above(comments, label, blank_below, mode):
    """How many of the comment lines next to a new line (top to bottom) go
    above it: down to the one that names the key's printed label; else all
    of them after a sibling when a blank line parts them from what follows
    (a label left behind by the missing key); else none (they introduce
    what follows)."""
    if label:
        for i, comment in enumerate(comments):
            if label in comment:
                return i + 1
    return len(comments) if mode == "after" and blank_below else 0


def _comment_run(text, pos, direction):
    """Line spans [(start, end)] of the comment lines right below (direction
    1) or right above (-1) the line start `pos`, top to bottom."""
    run = []
    if direction > 0:
        while pos < len(text):
            end = _line_end(text, pos)
            if not text[pos:end].lstrip(" \t").startswith("#"):
                break
            run.append((pos, end))
            pos = end
    else:
        while pos > 0:
            start = _line_start(text, pos - 1)
            if not text[start:pos].lstrip(" \t").startswith("#"):
                break
            run.insert(0, (start, pos))
            pos = start
    return run


def _header_line_end(text, keys):
    """End of the `[keys]` header line in `text`, or None."""
    for m in re.finditer(r"^[ \t]*\[(?!\[)([^\]\r\n]*)\][ \t]*(?:#[^\r\n]*)?\r?$", text, re.M):
        try:
            if parse_address(m.group(1)).keys == keys:
                return _line_end(text, m.end())
        except ValueError:
            continue
    return None


def missing_parent(data: dict, text: str, spans: dict | None, addr: Address) -> tuple[tuple | None, str | None]:
    """(existing ancestor keys, None) for a key that can be added, or (None,
    reason in Chinese). `spans` are the value spans of `text` (None when it
    could not be scanned)."""
    name = str(addr)
    if addr.index is not None:
        return None, f"不能单独添加数组中的单元格 {name}，请添加整行 {addr.row}"
    keys = addr.keys
    if len(keys) < 2:
        return None, f"不能添加整个表 [{name}]，只能添加表中的项"
    if keys[0] == "review":
        return None, "审核记录（[review]）由签核、接受问题和批注写入，不能在此添加"
    if keys[0] not in _TOP_ORDER:
        return None, f"{name} 不是报告格式中的表，不能添加"
    node, depth = data, 0
    while depth < len(keys) and isinstance(node, dict) and keys[depth] in node:
        node = node[keys[depth]]
        depth += 1
    if depth == len(keys):
        return None, f"文件中已有 {name}"
    if not isinstance(node, dict):
        return None, f"{format_address(keys[:depth])} 不是表，不能在其中添加 {name}"
    parent = keys[:depth]
    found = spans
    if found is None:
        return None, "无法分析文件结构，不能添加"
    for i in range(1, depth):
        span = found.get(parent[:i])
        if span is not None and text.startswith("{", span.start):
            return None, f"{format_address(parent)} 写在内联表 {format_address(parent[:i])} 中，不能在其中添加"
    return parent, None


def _place(layout, data, parent, keys):
    """Where key path `keys` (missing, under the existing table `parent`) goes: a _Placement or None."""
    spans = layout.spans
    depth = len(parent)
    order = _child_order(data, parent) or ()
    child = keys[depth]
    rank_new = order.index(child) if child in order else None

    def rank(path):
        return order.index(path[depth]) if path[depth] in order else None

    if parent in layout.inlines:
        fields = layout.inlines[parent]
        rel = keys[depth:]
        if rank_new is None:
            before = [(n, n, f) for n, f in enumerate(fields)]  # unknown field: last
        else:
            before = [(order.index(f), n, f) for n, f in enumerate(fields) if f in order and order.index(f) < rank_new]
        if before:
            _, _, f = max(before)
            return _Placement("inline-after", rel, anchor=parent + (f,), inline=parent)
        return _Placement("inline-first", rel, inline=parent)

    # Lines under `parent` from which the new key can be written (their
    # table is `parent` or one of its ancestors).
    lines = [s for s in layout.lines
             if s.path[:depth] == parent and len(s.path) > depth and s.prefix == parent[:len(s.prefix)]]
    for s in lines:
        if s.path not in spans:
            return None
    if lines:
        by_text = sorted(lines, key=lambda s: spans[s.path].start)
        if rank_new is not None:
            before = [s for s in by_text if rank(s.path) is not None and rank(s.path) < rank_new]
            after = [s for s in by_text if rank(s.path) is not None and rank(s.path) > rank_new]
            if before:
                best = max(rank(s.path) for s in before)
                anchor = [s for s in before if rank(s.path) == best][-1]
                return _Placement("after", keys[len(anchor.prefix):], anchor=anchor.path)
            if after:
                best = min(rank(s.path) for s in after)
                anchor = [s for s in after if rank(s.path) == best][0]
                return _Placement("before", keys[len(anchor.prefix):], anchor=anchor.path)
        anchor = by_text[-1]
        return _Placement("after", keys[len(anchor.prefix):], anchor=anchor.path)
    if parent in layout.tables:
        return _Placement("table-start", keys[depth:], header=parent)
    # A new [header] table, after the top-level table that precedes it in the form.
    header = parent if parent else keys[:1]
    if len(keys) == len(header):
        return None
    top = header[0]
    earlier = _TOP_ORDER[:_TOP_ORDER.index(top) + (1 if parent else 0)]
    for section in reversed(earlier):
        under = [s for s in layout.lines if s.path[0] == section and s.path in spans]
        if under:
            last = max(under, key=lambda s: spans[s.path].end)
            return _Placement("new-table", keys[len(header):], anchor=last.path, header=header)
    return None


def _render(text, place, value_raw, eol, spans):
    """The text with the new key written at the planned place."""
    rel = format_address(place.rel)
    line = f"{rel} = {value_raw}"
    if place.mode == "inline-after":
        pos = spans[place.anchor].end
        piece = f", {line}"
    elif place.mode == "inline-first":
        pos = spans[place.inline].start + 1
        while text[pos] in " \t":
            pos += 1
        if text[pos] == "}":
            piece = f"{line} " if text[pos - 1] in " \t" else f" {line} "
        else:
            piece = f"{line}, "
    elif place.mode == "before":
        start = _line_start(text, spans[place.anchor].start)
        run = _comment_run(text, start, -1)
        keep = _comments_to_keep_above([text[a:b] for a, b in run], place.label, False, "before")
        pos = run[keep][0] if keep < len(run) else start
        piece = line + eol
    elif place.mode == "table-start":
        pos = _header_line_end(text, place.header)
        if pos is None:
            return None
        piece = line + eol
    else:  # "after", "new-table": after the anchor's line (its comment included)
        pos = _line_end(text, spans[place.anchor].end)
        piece = line + eol
        if place.mode == "after":
            run = _comment_run(text, pos, 1)
            below = run[-1][1] if run else pos
            blank_below = below < len(text) and not text[below:_line_end(text, below)].strip()
            keep = _comments_to_keep_above([text[a:b] for a, b in run], place.label, blank_below, "after")
            pos = run[keep - 1][1] if keep else pos
        if place.mode == "new-table":
            piece = f"{eol}[{format_address(place.header)}]{eol}{piece}"
    if pos == len(text) and text and not text.endswith("\n") and not place.mode.startswith("inline"):
        piece = eol + piece
    return text[:pos] + piece + text[pos:]


def _accept(text, new_text, expected, whole_lines, eol):
    """(pos, inserted, data) if `new_text` is `text` plus one inserted run
    in the file's line endings (whole lines unless inside an inline table)
    that parses to `expected`, else None."""
    if new_text is None:
        return None
    found = pure_insertion(text, new_text)
    if found is None or not _eol_ok(found[1], eol):
        return None
    pos, inserted = found
    if whole_lines and not (inserted.endswith("\n") and (pos == 0 or text[pos - 1] == "\n" or pos == len(text))):
        return None
    try:
        actual = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        return None
    if not same_data(actual, expected):
        return None
    return found[0], found[1], actual


def plan(data: dict, text: str, eol: str, spans: dict | None, addr: Address, value: Any,
         display: str) -> tuple[str, int, str, dict]:
    """Add key `addr` with `value` to `text` (parsed as `data`): returns
    (new text, position, inserted text, new data). Raises EditError
    (Chinese, naming `display`) when the key cannot be added safely."""
    name = str(addr)
    parent, reason = missing_parent(data, text, spans, addr)
    if reason:
        raise EditError(f"{display}：{reason}")
    expected = copy.deepcopy(data)
    node = expected
    for key in addr.keys[:-1]:
        node = node.setdefault(key, {})
    node[addr.keys[-1]] = plain(copy.deepcopy(value))
    try:
        layout = _Layout(text)
        place = _place(layout, data, parent, addr.keys)
    except _spans.ScanError:
        place = None
    if place is None:
        raise EditError(f"{display}：无法确定在文件中添加 {name} 的位置，未修改")
    form = _form_of(data)
    labels = form.label_path(Address(addr.keys)) if form is not None else []
    place.label = labels[-1] if labels and len(labels[-1]) > 1 else None
    inline = place.mode.startswith("inline")
    try:
        value_raw = _insert_value_text(value, eol, "nested" if inline else "line")
    except TypeError as exc:
        raise EditError(f"{display}：{exc}") from None
    try:
        new_text = _render(text, place, value_raw, eol, layout.spans)
    except (LookupError, ValueError):  # e.g. an inline table with dotted keys: no span to write after
        new_text = None
    found = _accept(text, new_text, expected, not inline, eol)
    if found is None:
        raise EditError(f"{display}：添加 {name} 后文件内容与预期不符，未修改")
    pos, inserted, actual = found
    return new_text, pos, inserted, actual
