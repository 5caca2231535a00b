"""Reading review records (FORMAT.md §5): sign-off state, accepted findings, comments.

Writing them is tui.store's job; this module only reads, and tolerates
malformed records by ignoring them (they are the tool's own output).
"""

import datetime

from tui.core.address import format_address, parse_address

NONE, APPROVED, REJECTED, STALE = "none", "approved", "rejected", "stale"
STATE_NAMES = {NONE: "未签核", APPROVED: "已通过", REJECTED: "已退回", STALE: "已过期"}
STATE_GLYPHS = {NONE: "-", APPROVED: "✓", REJECTED: "✗", STALE: "!"}


def _records(data, name):
    review = data.get("review")
    if not isinstance(review, dict):
        return []
    items = review.get(name)
    if not isinstance(items, list):
        return []
    return [r for r in items if isinstance(r, dict)]


def _void(data, kind):
    """{(first cell, made)} of the `kind` records ("accepted" or "comment") that
    a `review.withdrawn` record takes back (FORMAT.md §5)."""
    out = set()
    for w in _records(data, "withdrawn"):
        if w.get("record") == kind and isinstance(w.get("cell"), str) and "made" in w:
            out.add((normal_address(w["cell"]), w["made"]))
    return out


def _live(data, name, kind, first_cell):
    """The `name` records that no withdrawn record voids."""
    records = _records(data, name)
    void = _void(data, kind) if records else set()
    if not void:
        return records
    return [r for r in records
            if not (isinstance(first_cell(r), str) and (normal_address(first_cell(r)), r.get("at")) in void)]


def _first_of(rec):
    cells = rec.get("cells")
    return cells[0] if isinstance(cells, list) and cells else None


def signoffs(data):
    return _records(data, "signoff")


def _instant(at):
    """A record's `at` as a comparable instant: an offset date-time, else None."""
    if isinstance(at, datetime.datetime) and at.utcoffset() is not None:
        return at
    return None


def latest_signoff(data):
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


def signoff_state(data, current_digest):
    latest = latest_signoff(data)
    if latest is None:
        return NONE
    if latest.get("digest") != current_digest:
        return STALE
    return APPROVED if latest.get("decision") == APPROVED else REJECTED


def normal_address(text):
    try:
        a = parse_address(text)
    except ValueError:
        return text
    return format_address(a.keys, a.index)


def accepted_keys(data):
    """{(rule, first cell)} of every review.accepted record."""
    keys = set()
    for rec in accepted_records(data):
        cells = rec.get("cells")
        rule = rec.get("rule")
        if isinstance(rule, str) and isinstance(cells, list) and cells and isinstance(cells[0], str):
            keys.add((rule, normal_address(cells[0])))
    return keys


def accepted_records(data):
    """review.accepted records still in force (not withdrawn)."""
    return _live(data, "accepted", "accepted", _first_of)


def comments(data):
    """Comments pinned to cells: [{cell, text, user, at}]."""
    return [c for c in _live(data, "comment", "comment", lambda r: r.get("cell")) if isinstance(c.get("cell"), str)]


def mark_accepted(findings, data):
    keys = accepted_keys(data)
    for f in findings:
        f.accepted = bool(f.cells) and (f.rule, normal_address(f.cells[0])) in keys
    return findings


def accepting_record(finding, data):
    """The review.accepted record that accepts `finding` (the latest in the file), or None."""
    if not finding.cells:
        return None
    first = normal_address(finding.cells[0])
    exact = loose = None
    for rec in accepted_records(data):
        cells = rec.get("cells")
        if rec.get("rule") != finding.rule or not isinstance(cells, list) or not cells \
                or not isinstance(cells[0], str) or normal_address(cells[0]) != first:
            continue
        loose = rec
        if not ("expected" in rec or "actual" in rec) or \
                (rec.get("expected") == finding.expected and rec.get("actual") == finding.actual):
            exact = rec
    return exact or loose
