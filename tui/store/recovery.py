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
locks, no tempfile module, one small write to a fixed temporary name and an
atomic rename. It raises only WriteError (catch Exception in a handler).
"""

import datetime as _dt
import hashlib
import json
import os

from tui.store.atomic import WriteError
from tui.store.fsinfo import os_error_text

VERSION = 1


def recovery_dir():
    from tui.config import state_dir

    return os.path.join(os.fspath(state_dir()), "recovery")


def _absolute(path):
    return os.path.abspath(os.fspath(path))


def recovery_path(path):
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
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


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


def write(doc):
    """Save `doc`'s unsaved changes; remove the recovery file when there are
    none. Returns the recovery file's path, or None. Raises WriteError."""
    changes = doc.changes()
    if not changes:
        discard(doc.path)
        return None
    target = recovery_path(doc.path)
    payload = {
        "version": VERSION,
        "path": _absolute(doc.path),
        "base_sha256": doc.disk_state.sha256,
        "written": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "edits": [[address, _encode(value)] for address, value in changes],
    }
    raw = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise WriteError(f"无法写入恢复文件 {target}（{os_error_text(exc)}）") from exc
    return target


def _load(file):
    """A Recovery from one recovery file, or None if missing or damaged."""
    try:
        with open(file, "rb") as fh:
            payload = json.loads(fh.read().decode("utf-8"))
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


def find(path):
    """The recovery of `path`, or None."""
    rec = _load(recovery_path(path))
    if rec is None or rec.path != _absolute(path):
        return None
    return rec


def find_all():
    """Every readable recovery file (e.g. to offer them at start-up)."""
    try:
        names = sorted(os.listdir(recovery_dir()))
    except OSError:
        return []
    found = (_load(os.path.join(recovery_dir(), n)) for n in names if n.endswith(".json"))
    return [rec for rec in found if rec is not None]


def apply(doc, recovery):
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


def discard(path):
    """Remove the recovery file of `path` (no error if there is none)."""
    try:
        os.unlink(recovery_path(path))
    except FileNotFoundError:
        pass
    except OSError:
        pass
