"""Taking back an acceptance or a comment (FORMAT.md §5): by appending a
[[review.withdrawn]] record, never by deleting the original."""

import datetime

from tui.store.signoff import Refused, append_records, login_name, now


def withdrawal(record_kind, record):
    """The [[review.withdrawn]] fields that void one accepted or comment record
    (FORMAT.md §5: its kind, its first cell and its `at` as `made`)."""
    if record_kind not in ("accepted", "comment"):
        raise ValueError(f"only accepted and comment records are withdrawn, not {record_kind!r}")
    cell = record["cells"][0] if record_kind == "accepted" else record["cell"]
    if "at" not in record:
        raise Refused("这条记录没有时间（at），无法指明撤回的是哪一条")
    return {"record": record_kind, "cell": cell, "made": record["at"], "user": login_name(), "at": now()}


def append_withdrawn(path, record_kind, record, force=False):
    """Take back an acceptance or a comment by appending, never by deleting."""
    return append_records(path, [("withdrawn", withdrawal(record_kind, record))], force)


def replace_comment(path, record, text, force=False):
    """Change a comment: withdraw the old record and pin the new text, in one write."""
    if not isinstance(text, str) or not text.strip():
        raise Refused("批注内容不能为空")
    at = now()
    if at == record.get("at"):  # the withdrawal names the old record by its `at`: keep the new one apart
        at += datetime.timedelta(seconds=1)
    new = {"cell": record["cell"], "text": text.strip(), "user": login_name(), "at": at}
    return append_records(path, [("withdrawn", withdrawal("comment", record)), ("comment", new)], force)
