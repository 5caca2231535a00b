"""Recovery files: unsaved edits kept outside the report, so a dropped SSH
session, a crash or a SIGHUP/SIGTERM loses nothing.

One file per report under `tui.config.state_dir()/recovery/`, named by a
hash of the report's absolute path:

    {"version": 1, "path": "/abs/report.toml",
     "base_sha256": "…",            # the file on disk the edits apply to
     "written": "2024-03-01T10:31:07+08:00", "pid": 1234,
     "edits": [["applications.new_received[0]", 7], ["text.problems", "…"]]}

`edits` are the net changes against the file as last opened or saved
(address, new value), values as JSON numbers and strings; a TOML date is
written as {"date": "2021-01-25"} (or "datetime", "time"). A key added to
the file (EditableReport.insert) has its whole value: a row as a JSON array,
an inline table as {"table": {…}}; it is added again when replayed.

`write` is made to be called from a signal handler: no logging, no thread
locks, no tempfile module, one small write to a fresh temporary file
(O_CREAT|O_EXCL|O_NOFOLLOW) and an atomic rename. It raises only WriteError
(catch Exception in a handler). The state folder must be a real folder of
ours (tui.store.atomic.ensure_private_dir); when it cannot be used the
recovery file goes beside the report instead (`beside_path`), and `write`
returns where it went.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from typing import TYPE_CHECKING

from tui.store.atomic import WriteError, clean_stale_temps, ensure_private_dir, read_private, read_state, write_private
from tui.store.fsinfo import os_error_text

if TYPE_CHECKING:
    from tui.store.document import EditableReport

VERSION = 1


def recovery_dir() -> str:
    from tui.config import state_dir

    return os.path.join(os.fspath(state_dir()), "recovery")


def _absolute(path):
    return os.path.abspath(os.fspath(path))


def recovery_path(path: str | os.PathLike[str]) -> str:
    """The recovery file of a report (which need not exist)."""
    key = _absolute(path).encode("utf-8", "surrogateescape")
    return os.path.join(recovery_dir(), hashlib.sha256(key).hexdigest()[:32] + ".json")


def _encode(value):
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"table": {k: _encode(v) for k, v in value.items()}}
    if isinstance(value, _dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, _dt.time):
        return {"time": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        (kind, text), = value.items()
        if kind == "table" and isinstance(text, dict):
            return {k: _decode(v) for k, v in text.items()}
        parse = {"datetime": _dt.datetime, "date": _dt.date, "time": _dt.time}.get(kind)
        if parse is None or not isinstance(text, str):
            raise ValueError(value)
        return parse.fromisoformat(text)
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    raise ValueError(value)


def _sha256_of_file(path):
    _, state = read_state(path)
    return None if state is None else state.sha256


class Recovery:
    """Unsaved edits found for a report."""

    def __init__(self, path, base_sha256, edits, written=None, pid=None, file=None):
        self.path = path
        self.base_sha256 = base_sha256
        self.edits = edits  # [(address, value)]
        self.written = written
        self.pid = pid
        self.file = file
        self.matches_file = _sha256_of_file(path) == base_sha256

    def __repr__(self):
        return f"Recovery({self.path!r}, {len(self.edits)} edits, matches_file={self.matches_file})"


def beside_path(path: str | os.PathLike[str]) -> str:
    """Where the recovery file of a report goes when the state folder cannot
    be used: beside the report, `.<name>.nianbao-recovery.json`."""
    real = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(real)
    return os.path.join(folder, f".{name}.nianbao-recovery.json")


def write(doc: EditableReport) -> str | None:
    """Save `doc`'s unsaved changes; remove the recovery file when there are
    none. Returns the recovery file's path, or None. The file goes to the
    state folder; when that cannot be used (unwritable, a link, not ours) it
    goes beside the report (`beside_path`) and that path is returned.
    Raises WriteError (naming both places) when neither can be written."""
    changes = doc.changes()
    if not changes:
        discard(doc.path)
        return None
    payload = {
        "version": VERSION,
        "path": _absolute(doc.path),
        "base_sha256": doc.disk_state.sha256,
        "written": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "edits": [[address, _encode(value)] for address, value in changes],
    }
    raw = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    target = recovery_path(doc.path)
    try:
        ensure_private_dir(os.path.dirname(target))
        write_private(target, raw)
        return target
    except (WriteError, OSError) as exc:
        first = str(exc) if isinstance(exc, WriteError) else f"{target}（{os_error_text(exc)}）"
    fallback = beside_path(doc.path)
    try:
        write_private(fallback, raw)
    except OSError as exc:
        raise WriteError(f"无法写入恢复文件：{first}；也无法写入 {fallback}（{os_error_text(exc)}）") from exc
    return fallback


def _load(file):
    """A Recovery from one recovery file, or None if missing or damaged (a
    link, a FIFO, an oversized file or another user's file counts as
    damaged: in a shared folder anybody could plant one beside a report)."""
    try:
        payload = json.loads(read_private(file, own=True).decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("version") != VERSION:
            return None
        path, base = payload["path"], payload["base_sha256"]
        if not isinstance(path, str) or not isinstance(base, str):
            return None
        edits = []
        for item in payload["edits"]:
            address, value = item
            if not isinstance(address, str):
                return None
            edits.append((address, _decode(value)))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return Recovery(path, base, edits, payload.get("written"), payload.get("pid"), file)


def find(path: str | os.PathLike[str]) -> Recovery | None:
    """The recovery of `path` (from the state folder, else from beside the
    report), or None."""
    for file in (recovery_path(path), beside_path(path)):
        rec = _load(file)
        if rec is not None and rec.path == _absolute(path):
            return rec
    return None


def find_all() -> list[Recovery]:
    """Every readable recovery file in the state folder (e.g. to offer them
    at start-up). Stale temporary files of ours there are removed."""
    folder = recovery_dir()
    clean_stale_temps(folder)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found = (_load(os.path.join(folder, n)) for n in names if n.endswith(".json"))
    return [rec for rec in found if rec is not None]


def apply(doc: EditableReport, recovery: Recovery) -> list[tuple[str, str]]:
    """Replay a recovery's edits onto `doc` (each one undoable); a key the
    file lacks is added again (insert). Returns the edits that could not be
    applied: [(address, Chinese reason)]."""
    from tui.core.address import MISSING
    from tui.store.document import EditError

    failed = []
    for address, value in recovery.edits:
        try:
            if doc.get(address) is MISSING and doc.can_insert(address) is None:
                doc.insert(address, value)
            else:
                doc.set(address, value)
        except (EditError, TypeError) as exc:
            failed.append((address, str(exc)))
    return failed


def discard(path: str | os.PathLike[str]) -> None:
    """Remove the recovery files of `path` (no error if there are none)."""
    for file in (recovery_path(path), beside_path(path)):
        try:
            os.unlink(file)  # a link planted there is removed, never its target
        except OSError:
            pass
