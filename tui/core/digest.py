"""The digest of a report's data (FORMAT.md §3).

sha256 over canonical JSON of the parsed data without the top-level `review`
table; TOML dates and times become their isoformat() strings. Layout,
comments and review records never change it.
"""

import datetime
import hashlib
import json

_TEMPORAL = (datetime.date, datetime.time)  # datetime.datetime is a date


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, _TEMPORAL):
        return value.isoformat()
    return value


def canonical_bytes(data):
    body = {k: v for k, v in data.items() if k != "review"}
    return json.dumps(_plain(body), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(data):
    return "sha256:" + hashlib.sha256(canonical_bytes(data)).hexdigest()
