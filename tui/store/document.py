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

from __future__ import annotations

import copy
import os
import stat
import tomllib
from typing import Any

from tui.core.address import MISSING, Address, get_value, parse_address, set_value
from tui.core.load import BOM, from_data, parse_text
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid, Report
from tui.store import insertion as _insertion
from tui.store import spans as _spans
from tui.store.atomic import (
    Conflict, ConflictError, DiskState, Failed, Outcome, ReadOnly, Saved, Unchanged, WriteError,
    clean_stale_temps, create_file, read_state, replace_file, state_of)
from tui.store.fsinfo import file_readonly_reason, folder_unwritable_reason, os_error_text
from tui.store.insertion import pure_insertion
from tui.store.values import EditError, dominant_eol, same_data, value_text

__all__ = [
    "Conflict", "ConflictError", "DiskState", "EditError", "EditableReport", "Failed", "OpenError", "Outcome",
    "ReadOnly", "ReadOnlyError", "Saved", "Unchanged", "WriteError", "dominant_eol", "pure_insertion",
    "same_data", "value_text",
]


class OpenError(Exception):
    """A file could not be opened for editing. `message` is Chinese and names
    the file (and line and column when known)."""

    def __init__(self, message, file=None, line=None, column=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column


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


def _clean_beside(path):
    """Remove what a killed save left beside `path` (our temporaries, an
    empty lock file nobody holds). Best effort."""
    from tui.store import lock

    clean_stale_temps(os.path.dirname(os.path.realpath(path)) or ".")
    lock.clean_empty(path)


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
    def open(cls, path: str | os.PathLike[str], display: str | None = None) -> EditableReport:
        """Read and parse `path`. Raises OpenError (Chinese message with file,
        line and column) when it cannot be read or is not valid TOML. Stale
        temporary files of ours left beside it by a killed save are removed."""
        path = os.fspath(path)
        name = display if display is not None else path
        try:
            raw, st = read_regular(path)
        except Unreadable as exc:
            raise OpenError(f"{name}: {exc.reason}", name) from None
        _clean_beside(path)
        return cls.from_bytes(raw, path, display, state_of(raw, st))

    @classmethod
    def from_bytes(cls, raw: bytes, path: str | os.PathLike[str], display: str | None = None,
                   disk: DiskState | None = None) -> EditableReport:
        """A document from bytes that will be saved to `path` (the disk state
        defaults to "the file holds exactly these bytes")."""
        name = display if display is not None else os.fspath(path)
        parsed = parse_text(raw, name)
        if isinstance(parsed, Invalid):
            raise OpenError(parsed.error, name, parsed.line, parsed.column)
        data, text, bom = parsed
        if disk is None:
            disk = state_of(raw)
        return cls(path, raw, text, bom, data, disk, display)

    # -- reading ------------------------------------------------------------

    @property
    def text(self) -> str:
        """The current text (without BOM, in the file's own line endings)."""
        return self._state[0]

    @property
    def data(self) -> dict:
        """Parsed data of the current text (as tomllib reads it). Read-only."""
        text = self._state[0]
        cached_text, data = self._data_cache
        if cached_text is not text:
            data = tomllib.loads(text)
            self._data_cache = (text, data)
        return data

    def report(self) -> Report | Invalid:
        """A tui.core Report of the current data (or Invalid when the identity
        was edited into something unusable)."""
        return from_data(copy.deepcopy(self.data), self.display, self.text, self.bom)

    def get(self, address: str | Address) -> Any:
        """The value of a cell, or tui.core.address.MISSING."""
        return get_value(self.data, _address(address))

    @property
    def read_only_reason(self) -> str | None:
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

    def set(self, address: str | Address, value: Any) -> bool:
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
        if same_data(old, value):
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

    def can_insert(self, address: str | Address) -> str | None:
        """None if `address` names a key that is missing and can be added with
        insert(), else the reason why not (Chinese)."""
        try:
            addr = _address(address)
        except EditError as exc:
            return str(exc)
        return _insertion.missing_parent(self.data, self.text, self._spans(self.text), addr)[1]

    def insert(self, address: str | Address, value: Any) -> bool:
        """Add a key the file lacks: a whole row (`applications.outcome.other.other`
        = [0, …]), a field of an inline table (`active.licensing.change`), a
        row of [active] (`active.fees` = {"amount": 0}), a [text] key (the
        table is created when missing), `report.region`… The new line goes
        next to its siblings in the order of the printed form, written the way
        its section writes keys (tui.store.insertion). The change must be a
        pure insertion (every other byte kept) in the file's line endings and
        must parse to the old data plus exactly this key, or EditError is
        raised and nothing changes. Undo removes the inserted text. Returns True."""
        addr = _address(address)
        text, history, index = self._state
        new_text, pos, inserted, actual = _insertion.plan(
            self.data, text, self.eol, self._spans(text), addr, value, self.display)
        edit = Edit(str(addr), MISSING, _insertion.plain(copy.deepcopy(value)), pos, "", inserted)
        self._data_cache = (new_text, actual)
        self._state = (new_text, history[:index] + (edit,), index + 1)
        return True

    def _swap(self, text, pos, remove, insert):
        if text[pos:pos + len(remove)] != remove:
            raise EditError(f"{self.display}：编辑记录与文件内容不一致（内部错误）")
        return text[:pos] + insert + text[pos + len(remove):]

    def undo(self) -> str | None:
        """Undo the last applied edit; returns its address, or None."""
        text, history, index = self._state
        if index == 0:
            return None
        edit = history[index - 1]
        self._state = (self._swap(text, edit.pos, edit.new_raw, edit.old_raw), history, index - 1)
        return edit.address

    def redo(self) -> str | None:
        """Redo the next undone edit; returns its address, or None."""
        text, history, index = self._state
        if index == len(history):
            return None
        edit = history[index]
        self._state = (self._swap(text, edit.pos, edit.old_raw, edit.new_raw), history, index + 1)
        return edit.address

    @property
    def can_undo(self) -> bool:
        return self._state[2] > 0

    @property
    def can_redo(self) -> bool:
        _, history, index = self._state
        return index < len(history)

    @property
    def edits(self) -> list[tuple[str, Any, Any]]:
        """Applied edits in order: a list of (address, old, new)."""
        _, history, index = self._state
        return [(e.address, e.old, e.new) for e in history[:index]]

    @property
    def dirty(self) -> bool:
        """True when the text differs from the last saved (or opened) state."""
        return self._state[0] != self._saved_text

    def changes(self) -> list[tuple[str, Any]]:
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

    def render(self) -> bytes:
        """The bytes of the current document: BOM restored; new line breaks
        (in multi-line strings) use the file's dominant line ending."""
        body = self._state[0].encode("utf-8")
        return BOM + body if self.bom else body

    def disk_changed(self) -> bool:
        """True if the file on disk is no longer what we opened or last saved
        (content compared by size and sha256; a mere touch is no change).
        A deleted or unreadable file counts as changed."""
        _, now = read_state(self.path)
        return now is None or now != self._disk

    @property
    def disk_state(self) -> DiskState:
        return self._disk

    def _unchanged_outside_edits(self, text):
        """Undo every applied edit on `text`: must give the opened text."""
        _, history, index = self._state
        for edit in reversed(history[:index]):
            if text[edit.pos:edit.pos + len(edit.new_raw)] != edit.new_raw:
                return False
            text = text[:edit.pos] + edit.old_raw + text[edit.pos + len(edit.new_raw):]
        return text == self._open_text

    def _verifier(self, expected):
        name = self.display

        def verify(got):
            parsed = parse_text(got, name)
            if isinstance(parsed, Invalid):
                raise WriteError(f"写入的内容无法读取（{parsed.error}），原文件未改动")
            data, text, _ = parsed
            if not same_data(data, expected):
                raise WriteError("写入的数据与编辑后的数据不一致，原文件未改动")
            if not self._unchanged_outside_edits(text):
                raise WriteError("写入的内容在编辑之外也有变化，原文件未改动")

        return verify

    def _write(self, target, expect=None, new=False):
        """Write the document to `target` through the one write path."""
        text = self._state[0]
        expected = self.data
        intended = self.render()
        verify = self._verifier(expected)
        try:
            if new:
                disk = create_file(target, intended, verify=verify)
            else:
                disk = replace_file(target, intended, verify=verify, expect=expect)
        except FileExistsError:
            raise
        except ConflictError as exc:
            raise ConflictError(f"{self.display}：{exc}；保存将覆盖对方的修改。可重新载入，或强制保存") from None
        except WriteError as exc:
            raise WriteError(f"{self.display}：{exc}") from exc
        except OSError as exc:
            raise WriteError(f"{target}：无法写入（{os_error_text(exc)}）") from exc
        self._disk = disk
        self._saved_text = text
        self._saved_data = expected

    def save(self, force: bool = False) -> bool:
        """Write the document over its file, atomically, after verifying the
        written bytes. Returns True if written, False when there was nothing
        to save. Raises ReadOnlyError, ConflictError (the file changed on
        disk since it was opened or saved, or while this save ran;
        force=True overwrites an earlier change) or WriteError; in every
        case the file on disk is left as it was."""
        reason = self.read_only_reason
        if reason:
            raise ReadOnlyError(f"{self.display}：{reason}，不能保存（可另存为其他文件）")
        if not force:
            _, now = read_state(self.path)
            if now is None and os.path.lexists(self.path):
                raise WriteError(f"{self.display}：无法读取原文件以核对是否被他人修改，原文件未改动")
            if now is None:
                raise ConflictError(f"{self.display}：文件在打开后已被删除或移走；强制保存将重新写出")
            if now != self._disk:
                raise ConflictError(f"{self.display}：文件在打开后已被其他程序修改；"
                                    "保存将覆盖对方的修改。可重新载入，或强制保存")
            if not self.dirty:
                return False
        self._write(self.path, expect=None if force else self._disk)
        return True

    def save_as(self, new_path: str | os.PathLike[str], overwrite: bool = False) -> None:
        """Write the document to `new_path`, which becomes this document's
        path. Refuses (WriteError) an existing file unless `overwrite`."""
        new_path = os.fspath(new_path)
        if os.path.isdir(new_path):
            raise WriteError(f"{new_path}：这是一个文件夹")
        exists = os.path.lexists(new_path)
        if exists:
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
        try:
            self._write(new_path, new=not exists)
        except FileExistsError:
            raise WriteError(f"{new_path}：文件已存在，未覆盖") from None
        self.path = new_path
        self.display = new_path

    def try_save(self, force: bool = False) -> Outcome:
        """save() as an outcome for the UI: Saved, Unchanged, Conflict,
        ReadOnly or Failed, each with a Chinese message. Never raises for
        file-system trouble."""
        try:
            written = self.save(force=force)
        except ReadOnlyError as exc:
            return ReadOnly(self.path, str(exc))
        except ConflictError as exc:
            return Conflict(self.path, str(exc))
        except WriteError as exc:
            return Failed(self.path, str(exc))
        if not written:
            return Unchanged(self.path)
        return Saved(self.path, f"已保存 {self.display}")

    def try_save_as(self, new_path: str | os.PathLike[str], overwrite: bool = False) -> Outcome:
        """save_as() as an outcome (Saved with the new path, ReadOnly, Failed)."""
        try:
            self.save_as(new_path, overwrite=overwrite)
        except ReadOnlyError as exc:
            return ReadOnly(os.fspath(new_path), str(exc))
        except WriteError as exc:
            return Failed(os.fspath(new_path), str(exc))
        return Saved(self.path, f"已另存为 {self.display}")

    def reload(self) -> None:
        """Discard all edits and history and read the file again. Raises
        OpenError (and keeps the current state) when it cannot be read."""
        fresh = EditableReport.open(self.path, self.display)
        self.__dict__.update(fresh.__dict__)

    def __repr__(self):
        return f"EditableReport({self.display!r}, edits={self._state[2]}, dirty={self.dirty})"
