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
    for rec in _records(data, "accepted"):
        cells = rec.get("cells")
        rule = rec.get("rule")
        if isinstance(rule, str) and isinstance(cells, list) and cells and isinstance(cells[0], str):
            keys.add((rule, normal_address(cells[0])))
    return keys


def accepted_records(data):
    return _records(data, "accepted")


def comments(data):
    """Comments pinned to cells: [{cell, text, user, at}]."""
    return [c for c in _records(data, "comment") if isinstance(c.get("cell"), str)]


def mark_accepted(findings, data):
    keys = accepted_keys(data)
    for f in findings:
        f.accepted = bool(f.cells) and (f.rule, normal_address(f.cells[0])) in keys
    return findings
