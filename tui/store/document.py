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
import stat
import tomllib

from tui.core.address import MISSING, Address, get_value, parse_address, set_value
from tui.core.load import BOM, from_data, parse_text
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
            if os.path.isdir(path):
                raise OpenError(f"{name}: 这是一个文件夹，不是报告文件", name)
            with open(path, "rb") as fh:
                raw = fh.read()
                st = os.fstat(fh.fileno())
        except FileNotFoundError:
            raise OpenError(f"{name}: 文件不存在", name) from None
        except PermissionError:
            raise OpenError(f"{name}: 没有读取权限", name) from None
        except IsADirectoryError:
            raise OpenError(f"{name}: 这是一个文件夹，不是报告文件", name) from None
        except OSError as exc:
            raise OpenError(f"{name}: 无法读取文件（{os_error_text(exc)}）", name) from None
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
        every cell whose value now differs, in the order first edited. Cheap
        and allocation-light: used by recovery files."""
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
            if now is not MISSING and not same_data(now, get_value(self._saved_data, addr)):
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
            with open(path or self.path, "rb") as fh:
                raw = fh.read()
                st = os.fstat(fh.fileno())
        except OSError:
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
