"""The digest of a report's data (FORMAT.md §3).

sha256 over canonical JSON of the parsed data without the top-level `review`
table; TOML dates and times become their isoformat() strings. Layout,
comments and review records never change it.
"""

from __future__ import annotations

import datetime
import hashlib
import json

_TEMPORAL = (datetime.date, datetime.time)  # datetime.datetime is a date


def isoformat(value):
    """json.dumps hook: the only non-JSON values tomllib produces are dates and
    times, written as their isoformat() (the digest's rule, FORMAT.md §3)."""
    if isinstance(value, _TEMPORAL):
        return value.isoformat()
    raise TypeError(f"not TOML data: {type(value).__name__}")


# The `default` hook lets the C encoder walk the data once; a Python-level
# copy that replaced the dates first made the digest 2-3x slower. Parsed TOML
# is a tree (no table or array holds itself): the encoder's cycle check, a
# dict insertion and deletion per table and array, only cost time (15 % of
# the digest). One encoder for every report: json.dumps builds one per call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                              default=isoformat, check_circular=False)


def covered(data: dict) -> dict:
    """What the digest covers: the data without its top-level `review` table."""
    return {k: v for k, v in data.items() if k != "review"}


def canonical_bytes(data: dict) -> bytes:
    return _CANONICAL.encode(covered(data)).encode("utf-8")


def digest(data: dict) -> str:
    return "sha256:" + hashlib.sha256(canonical_bytes(data)).hexdigest()
