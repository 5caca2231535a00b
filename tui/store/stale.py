"""Which cells changed since the latest sign-off (the "stale" details).

The digest alone cannot tell, and the records in the file are fixed by the
spec. So at sign-off time the exact bytes the digest was computed over
(digest.canonical_bytes) are saved as a content-addressed snapshot,
`state_dir()/signed/<hex>.json` (a private folder, tui.store.atomic
.ensure_private_dir). `stale_changes` uses it only when present and only
after re-hashing it to the signed digest, so a snapshot can never make a
wrong claim; without one (the report was signed by someone else, or on
another machine) it says only "内容已更改". Snapshots are per user, never
shared, and never needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from tui.core import review as rv
from tui.core.address import format_address
from tui.core.digest import canonical_bytes, covered, digest as compute_digest, isoformat
from tui.store.atomic import WriteError, create_file, ensure_private_dir, read_private

def snapshot_dir() -> Path:
    from tui.config import state_dir

    return state_dir() / "signed"


def _snapshot_path(digest):
    if not isinstance(digest, str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        return None
    return snapshot_dir() / (digest.split(":", 1)[1] + ".json")


def save_snapshot(data: dict) -> Path | None:
    """Keep the signed data (the digest's exact preimage) for stale_changes. Best effort."""
    body = canonical_bytes(data)
    target = _snapshot_path("sha256:" + hashlib.sha256(body).hexdigest())
    try:
        ensure_private_dir(target.parent)
        create_file(target, body)
    except FileExistsError:
        pass
    except (OSError, WriteError):
        return None
    return target


_SNAPSHOTS = {}  # digest → (file stat, data) of snapshots that verified


def load_snapshot(digest: str) -> Any:
    """The signed data for `digest` if a snapshot exists and re-hashes to it, else None.

    The workbench asks after every edit of a stale report; a verified load is
    reused while the file is unchanged (one stat), and any change to the file
    means reading and verifying it again."""
    target = _snapshot_path(digest)
    if target is None:
        return None
    try:
        st = target.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    cached = _SNAPSHOTS.get(digest)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        body = read_private(os.fspath(target))
    except OSError:
        return None
    if "sha256:" + hashlib.sha256(body).hexdigest() != digest:
        return None
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    _SNAPSHOTS[digest] = (stamp, data)
    return data


def _same(a, b):
    return json.dumps(a, ensure_ascii=False, sort_keys=True) == json.dumps(b, ensure_ascii=False, sort_keys=True)


def _diff(old, new, keys, out):
    if isinstance(old, dict) and isinstance(new, dict):
        for k in list(new) + [k for k in old if k not in new]:
            if k not in old or k not in new:
                out.append(format_address(keys + (k,)))
            else:
                _diff(old[k], new[k], keys + (k,), out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new) and keys:
        for i, (a, b) in enumerate(zip(old, new)):
            if not _same(a, b):
                if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
                    out.append(format_address(keys))  # nested structures: name the row
                    return
                out.append(format_address(keys, i))
    elif not _same(old, new):
        out.append(format_address(keys) if keys else "")


def _plain_json(data):
    """Data without review as JSON types, key order kept (dates become isoformat strings)."""
    return json.loads(json.dumps(covered(data), ensure_ascii=False, default=isoformat))


def diff_addresses(old_data: dict, new_data: dict) -> list[str]:
    """Addresses whose values differ between two data dicts (review ignored)."""
    old, new = _plain_json(old_data), _plain_json(new_data)
    out = []
    _diff(old, new, (), out)
    return [a for a in out if a]


def stale_changes(data: dict, current_digest: str | None = None) -> list[str] | None:
    """What changed since the latest sign-off.

    [] when there is no sign-off or it is not stale; None when it is stale but
    the signed data is not known here (no snapshot); else the addresses of the
    cells whose values differ from the signed data, in file order.
    """
    latest = rv.latest_signoff(data)
    if latest is None:
        return []
    current = current_digest or compute_digest(data)
    signed = latest.get("digest")
    if signed == current:
        return []
    old = load_snapshot(signed)
    if old is None:
        return None
    return diff_addresses(old, data) or None


def stale_description(data: dict, current_digest: str | None = None, limit: int = 12) -> str:
    """'签核后内容已更改：a、b' naming the changed cells when known."""
    changes = stale_changes(data, current_digest)
    if not changes:
        return "签核后内容已更改"
    shown = "、".join(changes[:limit])
    if len(changes) > limit:
        shown += f" 等 {len(changes)} 处"
    return f"签核后内容已更改：{shown}"
