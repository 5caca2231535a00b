"""Reading review records (FORMAT.md §5): sign-off state, accepted findings, comments.

Writing them is tui.store's job; this module only reads, and tolerates
malformed records by ignoring them (they are the tool's own output).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
import datetime

from tui.core.address import format_address, parse_address
from tui.core.findings import jsonable

if TYPE_CHECKING:
    from tui.core.findings import Finding

NONE, APPROVED, REJECTED, STALE = "none", "approved", "rejected", "stale"
STATE_NAMES = {NONE: "未签核", APPROVED: "已通过", REJECTED: "已退回", STALE: "已过期"}
# ◉ (a seal) for approved: ✓ means "no problems" and ≃ "accepted" (tui.core.findings.GLYPHS).
STATE_GLYPHS = {NONE: "-", APPROVED: "◉", REJECTED: "✗", STALE: "!"}


def _records(data, name):
    review = data.get("review")
    if not isinstance(review, dict):
        return []
    items = review.get(name)
    if not isinstance(items, list):
        return []
    return [r for r in items if isinstance(r, dict)]


def signoffs(data: dict) -> list[dict]:
    return _records(data, "signoff")


def _instant(at):
    """A record's `at` as a comparable instant: an offset date-time, else None."""
    if isinstance(at, datetime.datetime) and at.utcoffset() is not None:
        return at
    return None


def latest_signoff(data: dict) -> dict | None:
    """The sign-off with the greatest `at`, compared as instants; among equal
    instants the last in the file (FORMAT.md §5), so moving records around
    cannot bring an older decision back. A record whose `at` is not an
    offset date-time ranks below every record that has one."""
    latest, best = None, None
    for record in signoffs(data):
        at = _instant(record.get("at"))
        if best is None or (at is not None and at >= best):
            latest, best = record, at
    return latest


def signoff_state(data: dict, current_digest: str) -> str:
    latest = latest_signoff(data)
    if latest is None:
        return NONE
    if latest.get("digest") != current_digest:
        return STALE
    return APPROVED if latest.get("decision") == APPROVED else REJECTED


def normal_address(text: str) -> str:
    try:
        a = parse_address(text)
    except ValueError:
        return text
    return format_address(a.keys, a.index)


def _void(data, kind):
    """{(first cell, made)} that review.withdrawn records void for records of `kind`."""
    void = set()
    for w in _records(data, "withdrawn"):
        made = w.get("made")
        if w.get("record") == kind and isinstance(w.get("cell"), str) \
                and isinstance(made, (datetime.date, datetime.time, str, int, float)):
            void.add((normal_address(w["cell"]), made))
    return void


def _is_void(void, cell, at):
    return isinstance(at, (datetime.date, datetime.time, str, int, float)) and (cell, at) in void


def _live_accepted(data):
    """[(rule, first cell, record)] of every well-formed review.accepted record
    that no review.withdrawn record voids (FORMAT.md §5: a withdrawn record
    names the kind, the first cell and the record's `at` as `made`)."""
    void = _void(data, "accepted")
    out = []
    for rec in _records(data, "accepted"):
        cells = rec.get("cells")
        rule = rec.get("rule")
        if isinstance(rule, str) and isinstance(cells, list) and cells and isinstance(cells[0], str):
            first = normal_address(cells[0])
            if _is_void(void, first, rec.get("at")):
                continue
            out.append((rule, first, rec))
    return out


def live_accepted(data: dict) -> list[dict]:
    """The review.accepted records in force: well formed and not withdrawn."""
    return [rec for _, _, rec in _live_accepted(data)]


def accepted_keys(data: dict) -> set[tuple[str, str]]:
    """{(rule, first cell)} of every live review.accepted record."""
    return {(rule, first) for rule, first, _ in _live_accepted(data)}


def accepted_records(data: dict) -> list[dict]:
    return _records(data, "accepted")


def comments(data: dict) -> list[dict]:
    """Comments pinned to cells and not withdrawn: [{cell, text, user, at}]."""
    void = _void(data, "comment")
    return [c for c in _records(data, "comment")
            if isinstance(c.get("cell"), str) and not _is_void(void, normal_address(c["cell"]), c.get("at"))]


def same_figure(a, b):
    """Two figures are the same TOML/JSON value: numbers by value (12 = 12.0),
    anything else of the same type and value (true is not 1, "" is not 0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def record_matches(rec, finding):
    """Does an accepted record (of the finding's rule and first cell) accept
    the finding's figures? A record without `expected` and `actual` (written
    by hand) accepts any; otherwise both must be the same, a missing one
    counting as null (FORMAT.md §5)."""
    if "expected" not in rec and "actual" not in rec:
        return True
    return (same_figure(rec.get("expected"), jsonable(finding.expected))
            and same_figure(rec.get("actual"), jsonable(finding.actual)))


def mark_accepted(findings: list[Finding], data: dict) -> list[Finding]:
    """Set each finding's `accepted`, and `lapsed` when an acceptance names its
    rule and first cell but accepted other figures."""
    by_key = {}
    for rule, first, rec in _live_accepted(data):
        by_key.setdefault((rule, first), []).append(rec)
    for f in findings:
        f.accepted = f.lapsed = False
        if not by_key or not f.cells:
            continue
        recs = by_key.get((f.rule, normal_address(f.cells[0])))
        if recs:
            f.accepted = any(record_matches(rec, f) for rec in recs)
            f.lapsed = not f.accepted
    return findings


def accepting_record(finding, data):
    """The live review.accepted record that accepts `finding` (the last such in
    the file), or None: the one whose reason, user and time an opinion shows."""
    if not finding.cells:
        return None
    first = normal_address(finding.cells[0])
    found = None
    for rule, cell, rec in _live_accepted(data):
        if rule == finding.rule and cell == first and record_matches(rec, finding):
            found = rec
    return found
