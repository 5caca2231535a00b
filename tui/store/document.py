"""A report opened for editing: edits by cell address, undo/redo, safe saves.

How an edit keeps every other byte
----------------------------------
The document is the file's text (BOM stripped, line endings as they are).
An edit replaces exactly the characters of one value (located by
tui.store.spans) with the new value written in TOML, so comments, spacing,
key order, dotted keys, number formatting of other values, CRLF line endings
and the trailing newline stay as they were by construction. Each edit is
then verified: the whole new text is parsed with tomllib and must equal the
previous data with exactly that one cell changed (types included), or the
edit is refused. Undo puts the old characters back, so undoing everything
gives the original bytes.

tomlkit is deliberately not used to render: it loses the formatting of
numbers it rewrites, writes bare "\\n" into CRLF files, rejects a BOM and has
open bugs with tables split out of order (#571, #577). Its one strength here,
keeping what it did not touch, is what the span splice gives exactly.

`data` is what tomllib parses from the current text (dates as datetime
objects); it is cached per text and must not be mutated by callers.
"""

import copy
import datetime as _dt
import hashlib
import math
import os
import re
import stat
import tomllib

from tui.core.address import MISSING, Address, format_address, get_value, parse_address, quote_key, set_value
from tui.core.load import BOM, from_data, parse_text
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid
from tui.core.tomltext import toml_string
from tui.store import spans as _spans
from tui.store.atomic import WriteError, replace_file
from tui.store.fsinfo import file_readonly_reason, folder_unwritable_reason, os_error_text


class OpenError(Exception):
    """A file could not be opened for editing. `message` is Chinese and names
    the file (and line and column when known)."""

    def __init__(self, message, file=None, line=None, column=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column


class EditError(ValueError):
    """An edit was refused; the document is unchanged. Chinese message."""


class ConflictError(WriteError):
    """The file changed on disk since it was opened or last saved; nothing was
    written. Catch it before WriteError. Save again with force=True to
    overwrite, or reload()."""


class ReadOnlyError(WriteError):
    """The file cannot be saved in place (read-only file or folder, not a
    regular file); nothing was written. save_as() elsewhere still works."""


class Edit:
    """One applied change: the address, the values, and the exact text swap."""

    __slots__ = ("address", "old", "new", "pos", "old_raw", "new_raw")

    def __init__(self, address, old, new, pos, old_raw, new_raw):
        self.address = address
        self.old = old
        self.new = new
        self.pos = pos
        self.old_raw = old_raw
        self.new_raw = new_raw

    def __iter__(self):  # (address, old, new)
        return iter((self.address, self.old, self.new))

    def __repr__(self):
        return f"Edit({self.address!r}, {self.old!r} → {self.new!r})"


class DiskState:
    """What the file on disk was when we last read or wrote it."""

    __slots__ = ("mtime_ns", "size", "sha256")

    def __init__(self, mtime_ns, size, sha256):
        self.mtime_ns = mtime_ns
        self.size = size
        self.sha256 = sha256

    def __eq__(self, other):
        return isinstance(other, DiskState) and (self.size, self.sha256) == (other.size, other.sha256)

    def __repr__(self):
        return f"DiskState(size={self.size}, sha256={self.sha256[:12]}…)"


def same_data(a, b):
    """Equality of parsed TOML data that also compares types (so 1, 1.0 and
    True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # an untouched `nan` elsewhere must not refuse edits
    return a == b


def dominant_eol(text):
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


# ---------------------------------------------------------------------------
# Writing one value as TOML

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


def value_text(value, old_raw, eol, where="line"):
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


# ---------------------------------------------------------------------------
# Adding a missing key (EditableReport.insert)
#
# tomlkit does the structural work: it tells which table (header, dotted
# keys, inline table) each key/value line belongs to, and renders the new
# key in place. Its result is only taken when it is a pure insertion in the
# file's own line endings that parses to the old data plus the new key;
# otherwise the same line is written by hand at the same place (after the
# preceding sibling's line, before the following sibling's comments, …) and
# verified the same way.

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
    if form is None:
        return None
    head = parent[0]
    if parent == ("text",):
        return tuple(key for key, _ in form.text_keys)
    if parent == ("active",):
        return tuple(row.key for row in form.active_rows) + ("summary",)
    if head == "active" and len(parent) == 2:
        row = form.active_map.get(parent[1])
        return tuple(f.key for f in row.fields) if row is not None else None
    if head in ("applications", "appeals"):
        out = []
        for row in form.application_rows if head == "applications" else form.appeal_rows:
            if row.keys[:len(parent)] == parent and len(row.keys) > len(parent):
                if row.keys[len(parent)] not in out:
                    out.append(row.keys[len(parent)])
        return tuple(out) or None
    return None


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


def _plain(value):
    """`value` as tomllib would read it back (tuples become lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
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


def pure_insertion(old, new):
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
    """A key/value entry of a tomlkit document: its container, its index in
    the container's body, the path of the container (`prefix`) and of the
    value (`path`), and for a line the top-level entry it sits under."""

    __slots__ = ("container", "index", "prefix", "path", "top")

    def __init__(self, container, index, prefix, path, top):
        self.container = container
        self.index = index
        self.prefix = prefix
        self.path = path
        self.top = top


class _Layout:
    """Where every key/value line, header table and inline table of a
    tomlkit document is. Dotted keys (`outcome.other.other = […]`) are one
    line under the table whose header precedes them."""

    def __init__(self, doc):
        from tomlkit.items import AoT, InlineTable, Table

        self._types = (AoT, InlineTable, Table)
        self.doc = doc
        self.lines = []     # [_Spot] of `key = value` lines in header tables or at the root
        self.tables = {}    # path → (container, index, Table) of tables with a [header]
        self.inlines = {}   # path → tomlkit InlineTable
        self._walk(doc, (), "root", None)

    def _walk(self, container, prefix, level, top):
        AoT, InlineTable, Table = self._types
        for i, (key, item) in enumerate(container.body):
            if key is None or isinstance(item, AoT):
                continue
            here = i if top is None else top
            if isinstance(item, Table) and not key.is_dotted():
                path = prefix + (key.key,)
                if not item.is_super_table():
                    self.tables.setdefault(path, (container, i, item))
                self._walk(item.value, path, "super" if item.is_super_table() else "table", here)
                continue
            parts, leaf = (key.key,), item
            while isinstance(leaf, Table):  # `a.b.c = v`: nested single-entry tables
                entries = [(k, v) for k, v in leaf.value.body if k is not None]
                if len(entries) != 1:
                    raise ValueError(f"dotted key {parts!r} with {len(entries)} entries")
                parts += (entries[0][0].key,)
                leaf = entries[0][1]
            if level != "super":
                self.lines.append(_Spot(container, i, prefix, prefix + parts, here))
            if isinstance(leaf, InlineTable):
                self.inlines[prefix + parts] = leaf


class _Placement:
    """Where a new key goes, for tomlkit and for the hand-written fallback.

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

    __slots__ = ("mode", "anchor", "rel", "header", "inline", "index", "layout", "label")

    def __init__(self, mode, rel, anchor=None, header=None, inline=None, index=None):
        self.label = None  # the key's printed label, to find its comment line
        self.mode = mode
        self.rel = rel
        self.anchor = anchor
        self.header = header
        self.inline = inline
        self.index = index  # inline and table-start: where in the tomlkit body
        self.layout = None  # the _Layout it was decided on (tomlkit renders from it)


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


# ---------------------------------------------------------------------------


def _sha256(raw):
    return hashlib.sha256(raw).hexdigest()


def _address(address):
    if isinstance(address, Address):
        return address
    try:
        return parse_address(address)
    except ValueError as exc:
        raise EditError(str(exc)) from None


class EditableReport:
    """One report file opened for editing. Create with `EditableReport.open`."""

    def __init__(self, path, raw, text, bom, data, disk, display=None):
        self.path = os.fspath(path)
        self.display = display if display is not None else self.path
        self.original_bytes = raw
        self.bom = bom
        self.eol = dominant_eol(text)
        self._open_text = text
        # (text, history, index): replaced as a whole so that a signal handler
        # (recovery.write) never sees a half-applied edit
        self._state = (text, (), 0)
        self._saved_text = text
        self._saved_data = data
        self._disk = disk
        self._data_cache = (text, data)
        self._span_cache = None

    # -- opening ------------------------------------------------------------

    @classmethod
    def open(cls, path, display=None):
        """Read and parse `path`. Raises OpenError (Chinese message with file,
        line and column) when it cannot be read or is not valid TOML."""
        path = os.fspath(path)
        name = display if display is not None else path
        try:
            raw, st = read_regular(path)
        except Unreadable as exc:
            raise OpenError(f"{name}: {exc.reason}", name) from None
        return cls.from_bytes(raw, path, display, DiskState(st.st_mtime_ns, len(raw), _sha256(raw)))

    @classmethod
    def from_bytes(cls, raw, path, display=None, disk=None):
        """A document from bytes that will be saved to `path` (the disk state
        defaults to "the file holds exactly these bytes")."""
        name = display if display is not None else os.fspath(path)
        parsed = parse_text(raw, name)
        if isinstance(parsed, Invalid):
            raise OpenError(parsed.error, name, parsed.line, parsed.column)
        data, text, bom = parsed
        if disk is None:
            disk = DiskState(None, len(raw), _sha256(raw))
        return cls(path, raw, text, bom, data, disk, display)

    # -- reading ------------------------------------------------------------

    @property
    def text(self):
        """The current text (without BOM, in the file's own line endings)."""
        return self._state[0]

    @property
    def data(self):
        """Parsed data of the current text (as tomllib reads it). Read-only."""
        text = self._state[0]
        cached_text, data = self._data_cache
        if cached_text is not text:
            data = tomllib.loads(text)
            self._data_cache = (text, data)
        return data

    def report(self):
        """A tui.core Report of the current data (or Invalid when the identity
        was edited into something unusable)."""
        return from_data(copy.deepcopy(self.data), self.display, self.text, self.bom)

    def get(self, address):
        """The value of a cell, or tui.core.address.MISSING."""
        return get_value(self.data, _address(address))

    @property
    def read_only_reason(self):
        """None if the file can be saved in place, else the reason in Chinese
        (文件只读, 所在文件夹不可写, 不是普通文件…). See tui.store.fsinfo for
        how this is decided when running as root."""
        return file_readonly_reason(self.path)

    def _spans(self, text):
        cache = self._span_cache
        if cache is None or cache[0] is not text:
            try:
                found = _spans.scan(text)
            except _spans.ScanError:
                found = None
            cache = self._span_cache = (text, found)
        return cache[1]

    # -- editing ------------------------------------------------------------

    def set(self, address, value):
        """Set one cell (int, float or str; "" is an explicit blank; a
        datetime.date/datetime/time for date cells such as report.published). The
        cell must exist. Returns True if the document changed, False if the
        cell already held exactly this value. Raises EditError (document
        unchanged) when the edit cannot be made safely."""
        addr = _address(address)
        name = str(addr)
        text, history, index = self._state
        data = self.data
        old = get_value(data, addr)
        if old is MISSING:
            raise EditError(f"{self.display}：没有单元格 {name}")
        if isinstance(old, (dict, list)):
            raise EditError(f"{self.display}：{name} 不是单个单元格")
        if type(old) is type(value) and old == value:
            return False
        found = self._spans(text)
        span = found.get(_spans.path_of(addr)) if found is not None else None
        if span is None:
            raise EditError(f"{self.display}：无法在文件中定位 {name}，未修改")
        old_raw = text[span.start:span.end]
        new_raw = value_text(value, old_raw, self.eol, span.where)
        new_text = text[:span.start] + new_raw + text[span.end:]
        expected = copy.deepcopy(data)
        set_value(expected, addr, value)
        try:
            actual = tomllib.loads(new_text)
        except tomllib.TOMLDecodeError:
            actual = None
        if actual is None or not same_data(actual, expected):
            raise EditError(f"{self.display}：修改 {name} 后文件内容与预期不符，未修改")
        edit = Edit(name, old, value, span.start, old_raw, new_raw)
        self._data_cache = (new_text, actual)
        self._state = (new_text, history[:index] + (edit,), index + 1)
        return True

    # -- adding a missing key -------------------------------------------------

    def _missing_parent(self, addr):
        """(existing ancestor keys, None) for a key that can be added, or (None, reason)."""
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
        node, depth = self.data, 0
        while depth < len(keys) and isinstance(node, dict) and keys[depth] in node:
            node = node[keys[depth]]
            depth += 1
        if depth == len(keys):
            return None, f"文件中已有 {name}"
        if not isinstance(node, dict):
            return None, f"{format_address(keys[:depth])} 不是表，不能在其中添加 {name}"
        parent = keys[:depth]
        found = self._spans(self.text)
        if found is None:
            return None, "无法分析文件结构，不能添加"
        for i in range(1, depth):
            span = found.get(parent[:i])
            if span is not None and self.text.startswith("{", span.start):
                return None, f"{format_address(parent)} 写在内联表 {format_address(parent[:i])} 中，不能在其中添加"
        return parent, None

    def can_insert(self, address):
        """None if `address` names a key that is missing and can be added with
        insert(), else the reason why not (Chinese)."""
        try:
            addr = _address(address)
        except EditError as exc:
            return str(exc)
        return self._missing_parent(addr)[1]

    def insert(self, address, value):
        """Add a key the file lacks: a whole row (`applications.outcome.other.other`
        = [0, …]), a field of an inline table (`active.licensing.change`), a
        row of [active] (`active.fees` = {"amount": 0}), a [text] key (the
        table is created when missing), `report.region`… The new line goes
        next to its siblings in the order of the printed form, written the way
        its section writes keys (dotted keys, inline tables). The change must
        be a pure insertion (every other byte kept) in the file's line endings
        and must parse to the old data plus exactly this key, or EditError is
        raised and nothing changes. Undo removes the inserted text. Returns True."""
        addr = _address(address)
        name = str(addr)
        parent, reason = self._missing_parent(addr)
        if reason:
            raise EditError(f"{self.display}：{reason}")
        text, history, index = self._state
        data = self.data
        expected = copy.deepcopy(data)
        node = expected
        for key in addr.keys[:-1]:
            node = node.setdefault(key, {})
        node[addr.keys[-1]] = _plain(copy.deepcopy(value))
        try:
            place = self._placement(text, parent, addr.keys)
        except Exception:  # tomlkit could not parse or represent the file
            place = None
        if place is None:
            raise EditError(f"{self.display}：无法确定在文件中添加 {name} 的位置，未修改")
        try:
            where = "nested" if place.mode.startswith("inline") else "line"
            value_raw = _insert_value_text(value, self.eol, where)
        except TypeError as exc:
            raise EditError(f"{self.display}：{exc}") from None
        try:
            own_text = self._own_insertion(text, place, value_raw)
        except (LookupError, ValueError):  # e.g. an inline table with dotted keys: no span to write after
            own_text = None
        try:
            tomlkit_text = self._tomlkit_insertion(text, place, value_raw)
        except Exception:  # tomlkit bugs (#571, #577…): our own line at the same place
            tomlkit_text = None
        if place.mode.startswith("inline") and tomlkit_text != own_text:
            tomlkit_text = None  # its comma spacing varies: `{ a = 1,b = 0 }`, `{ a = 1, b = 0}`
        for new_text in (tomlkit_text, own_text):
            found = self._accept_insertion(text, new_text, expected, whole_lines=not place.mode.startswith("inline"))
            if found is not None:
                pos, inserted, actual = found
                edit = Edit(name, MISSING, _plain(copy.deepcopy(value)), pos, "", inserted)
                self._data_cache = (new_text, actual)
                self._state = (new_text, history[:index] + (edit,), index + 1)
                return True
        raise EditError(f"{self.display}：添加 {name} 后文件内容与预期不符，未修改")

    def _accept_insertion(self, text, new_text, expected, whole_lines):
        """(pos, inserted, data) if `new_text` is `text` plus one inserted run
        in the file's line endings (whole lines unless inside an inline table)
        that parses to `expected`, else None."""
        if new_text is None:
            return None
        found = pure_insertion(text, new_text)
        if found is None or not _eol_ok(found[1], self.eol):
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

    def _placement(self, text, parent, keys):
        """Decide where the key goes (a _Placement, or None), from a tomlkit parse of the text."""
        import tomlkit

        layout = _Layout(tomlkit.parse(text))
        place = self._place(layout, text, parent, keys)
        if place is not None:
            place.layout = layout
            form = _form_of(self.data)
            labels = form.label_path(Address(keys)) if form is not None else []
            place.label = labels[-1] if labels and len(labels[-1]) > 1 else None
        return place

    def _place(self, layout, text, parent, keys):
        data = self.data
        spans = self._spans(text)
        depth = len(parent)
        order = _child_order(data, parent) or ()
        child = keys[depth]
        rank_new = order.index(child) if child in order else None

        def rank(path):
            return order.index(path[depth]) if path[depth] in order else None

        if parent in layout.inlines:
            inline = layout.inlines[parent]
            fields = [(i, k.key) for i, (k, _) in enumerate(inline.value.body) if k is not None]
            rel = keys[depth:]
            if rank_new is None:
                before = [(n, i, f) for n, (i, f) in enumerate(fields)]  # unknown field: last
            else:
                before = [(order.index(f), i, f) for i, f in fields if f in order and order.index(f) < rank_new]
            if before:
                _, i, f = max(before)
                return _Placement("inline-after", rel, anchor=parent + (f,), inline=parent, index=i + 1)
            return _Placement("inline-first", rel, inline=parent, index=fields[0][0] if fields else None)

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
            return _Placement("table-start", keys[depth:], header=parent, index=0)
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

    def _tomlkit_insertion(self, text, place, value_raw):
        """The text tomlkit renders with the new key placed as planned."""
        import tomlkit
        from tomlkit.items import Comment, Table, Whitespace

        eol = self.eol
        layout = place.layout
        doc = layout.doc
        line = f"{format_address(place.rel)} = {value_raw}"
        spot = next((s for s in layout.lines if s.path == place.anchor), None) if place.anchor else None
        # The new entry, parsed from a snippet so that it carries our layout
        # and line ending; then moved into the document.
        if place.mode.startswith("inline"):
            host = layout.inlines[place.inline].value
            body = tomlkit.parse(f"x = {{ {line} }}")["x"].value.body
        elif place.mode == "new-table":
            host = doc
            body = tomlkit.parse(f"[{format_address(place.header)}]{eol}{line}{eol}").body
        elif place.mode == "table-start":
            host = layout.tables[place.header][2].value
            body = tomlkit.parse(f"[x]{eol}{line}{eol}")["x"].value.body
        else:
            host = spot.container
            body = (tomlkit.parse(f"[x]{eol}{line}{eol}")["x"].value.body if spot.prefix
                    else tomlkit.parse(f"{line}{eol}").body)
        key, item = next((k, v) for k, v in body if k is not None)
        index = place.index
        if place.mode == "inline-after":
            item.trivia.indent = " "  # else tomlkit writes `{ a = 1,b = 0 }`
        elif place.mode in ("after", "before"):
            def comment(i):
                return 0 <= i < len(host.body) and host.body[i][0] is None and isinstance(host.body[i][1], Comment)

            first = last = spot.index + 1 if place.mode == "after" else spot.index
            if place.mode == "after":
                while comment(last):
                    last += 1
            else:
                while comment(first - 1):
                    first -= 1
            blank_below = last < len(host.body) and host.body[last][0] is None \
                and isinstance(host.body[last][1], Whitespace)
            comments = [host.body[i][1].as_string() for i in range(first, last)]
            index = first + _comments_to_keep_above(comments, place.label, blank_below, place.mode)
        elif place.mode == "new-table":
            index = spot.top + 1
            # tomlkit keeps the blank lines and comments that introduce the next
            # table at the end of the previous one (or of its last sub-table):
            # move them below the new table, where they belong.
            last = doc.body[spot.top][1]
            while isinstance(last, Table) and last.value.body and last.value.body[-1][0] is not None \
                    and isinstance(last.value.body[-1][1], Table) and not last.value.body[-1][0].is_dotted():
                last = last.value.body[-1][1]
            if isinstance(item, Table) and not item.is_super_table():
                item.trivia.indent = eol  # a blank line above the new header
                if isinstance(last, Table):
                    inner = last.value.body
                    trailing = []
                    while inner and inner[-1][0] is None and isinstance(inner[-1][1], (Comment, Whitespace)):
                        trailing.insert(0, inner.pop())
                    item.value.body.extend(trailing)
        if index is None or index >= len(host.body):
            host._raw_append(key, item)
        else:
            host._insert_at(index, key, item)
        return doc.as_string()

    def _own_insertion(self, text, place, value_raw):
        """The new key written by hand at the planned place (no tomlkit)."""
        eol = self.eol
        spans = self._spans(text)
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

    def _swap(self, text, pos, remove, insert):
        if text[pos:pos + len(remove)] != remove:
            raise EditError(f"{self.display}：编辑记录与文件内容不一致（内部错误）")
        return text[:pos] + insert + text[pos + len(remove):]

    def undo(self):
        """Undo the last applied edit; returns its address, or None."""
        text, history, index = self._state
        if index == 0:
            return None
        edit = history[index - 1]
        self._state = (self._swap(text, edit.pos, edit.new_raw, edit.old_raw), history, index - 1)
        return edit.address

    def redo(self):
        """Redo the next undone edit; returns its address, or None."""
        text, history, index = self._state
        if index == len(history):
            return None
        edit = history[index]
        self._state = (self._swap(text, edit.pos, edit.old_raw, edit.new_raw), history, index + 1)
        return edit.address

    @property
    def can_undo(self):
        return self._state[2] > 0

    @property
    def can_redo(self):
        _, history, index = self._state
        return index < len(history)

    @property
    def edits(self):
        """Applied edits in order: a list of (address, old, new)."""
        _, history, index = self._state
        return [(e.address, e.old, e.new) for e in history[:index]]

    @property
    def dirty(self):
        """True when the text differs from the last saved (or opened) state."""
        return self._state[0] != self._saved_text

    def changes(self):
        """Net changes against the last saved state: [(address, value)] for
        every cell whose value now differs, in the order first edited. A key
        added by insert() since the save is one change with its whole value
        (a row, an inline table), to be added again by recovery. Cheap and
        allocation-light: used by recovery files."""
        text, history, _ = self._state
        if text == self._saved_text:
            return []
        current = self.data
        out = []
        seen = set()
        for edit in history:
            if edit.address in seen:
                continue
            seen.add(edit.address)
            addr = parse_address(edit.address)
            now = get_value(current, addr)
            if now is MISSING:
                continue
            before = get_value(self._saved_data, addr)
            if isinstance(now, (dict, list)) and before is not MISSING:
                continue  # a row added before the save: the edits of its cells carry the changes
            if not same_data(now, before):
                out.append((edit.address, now))
        return out

    # -- writing ------------------------------------------------------------

    def render(self):
        """The bytes of the current document: BOM restored; new line breaks
        (in multi-line strings) use the file's dominant line ending."""
        body = self._state[0].encode("utf-8")
        return BOM + body if self.bom else body

    def _read_disk(self, path=None):
        """(bytes, DiskState) of the file on disk now, or (None, None)."""
        try:
            raw, st = read_regular(path or self.path)
        except Unreadable:
            return None, None
        return raw, DiskState(st.st_mtime_ns, len(raw), _sha256(raw))

    def disk_changed(self):
        """True if the file on disk is no longer what we opened or last saved
        (content compared by size and sha256; a mere touch is no change).
        A deleted or unreadable file counts as changed."""
        _, now = self._read_disk()
        return now is None or now != self._disk

    @property
    def disk_state(self):
        return self._disk

    def _unchanged_outside_edits(self, text):
        """Undo every applied edit on `text`: must give the opened text."""
        _, history, index = self._state
        for edit in reversed(history[:index]):
            if text[edit.pos:edit.pos + len(edit.new_raw)] != edit.new_raw:
                return False
            text = text[:edit.pos] + edit.old_raw + text[edit.pos + len(edit.new_raw):]
        return text == self._open_text

    def _verifier(self, intended, expected):
        name = self.display

        def verify(tmp):
            try:
                with open(tmp, "rb") as fh:
                    got = fh.read()
            except OSError as exc:
                raise WriteError(f"{name}：无法读回刚写入的内容（{os_error_text(exc)}），原文件未改动") from exc
            if got != intended:
                raise WriteError(f"{name}：读回的内容与写入的不一致，原文件未改动")
            parsed = parse_text(got, name)
            if isinstance(parsed, Invalid):
                raise WriteError(f"{name}：写入的内容无法读取（{parsed.error}），原文件未改动")
            data, text, _ = parsed
            if not same_data(data, expected):
                raise WriteError(f"{name}：写入的数据与编辑后的数据不一致，原文件未改动")
            if not self._unchanged_outside_edits(text):
                raise WriteError(f"{name}：写入的内容在编辑之外也有变化，原文件未改动")

        return verify

    def _write(self, target):
        state = self._state
        text = state[0]
        expected = self.data
        intended = self.render()
        try:
            replace_file(target, intended, verify=self._verifier(intended, expected))
        except WriteError as exc:
            if str(exc).startswith(self.display):
                raise
            raise WriteError(f"{self.display}：{exc}") from exc
        _, disk = self._read_disk(target)
        if disk is None or disk.sha256 != _sha256(intended):
            disk = DiskState(0, len(intended), _sha256(intended))
        self._disk = disk
        self._saved_text = text
        self._saved_data = expected

    def save(self, force=False):
        """Write the document over its file, atomically, after verifying the
        written bytes. Returns True if written, False when there was nothing
        to save. Raises ReadOnlyError, ConflictError (the file changed on
        disk; force=True overwrites) or WriteError; in every case the file
        on disk is left as it was."""
        reason = self.read_only_reason
        if reason:
            raise ReadOnlyError(f"{self.display}：{reason}，不能保存（可另存为其他文件）")
        if not force:
            _, now = self._read_disk()
            if now is None:
                raise ConflictError(f"{self.display}：文件在打开后已被删除或移走；强制保存将重新写出")
            if now != self._disk:
                raise ConflictError(f"{self.display}：文件在打开后已被其他程序修改；"
                                    "保存将覆盖对方的修改。可重新载入，或强制保存")
            if not self.dirty:
                return False
        self._write(self.path)
        return True

    def save_as(self, new_path, overwrite=False):
        """Write the document to `new_path`, which becomes this document's
        path. Refuses (WriteError) an existing file unless `overwrite`."""
        new_path = os.fspath(new_path)
        if os.path.isdir(new_path):
            raise WriteError(f"{new_path}：这是一个文件夹")
        if os.path.lexists(new_path):
            if not overwrite:
                raise WriteError(f"{new_path}：文件已存在，未覆盖")
            try:
                if not stat.S_ISREG(os.stat(new_path).st_mode):
                    raise WriteError(f"{new_path}：不是普通文件，未覆盖")
            except OSError:
                pass
        folder = os.path.dirname(os.path.abspath(new_path))
        reason = folder_unwritable_reason(folder)
        if reason:
            raise ReadOnlyError(f"{new_path}：{reason}")
        self._write(new_path)
        self.path = new_path
        self.display = new_path

    def reload(self):
        """Discard all edits and history and read the file again. Raises
        OpenError (and keeps the current state) when it cannot be read."""
        fresh = EditableReport.open(self.path, self.display)
        self.__dict__.update(fresh.__dict__)

    def __repr__(self):
        return f"EditableReport({self.display!r}, edits={self._state[2]}, dirty={self.dirty})"
