"""ReportModel: one open report with its findings, marks, context and document.

The context is the other reports the report can be paired with (its folder
or the report list), so that year-over-year findings show in the workbench
exactly as `nianbao check` reports them. The document (tui.store) is what
edits go to; without one (unreadable for editing) the model is read-only.
"""

import os

from tui.app.marks import marks_for
from tui.core.checker import check_reports
from tui.core.report import Invalid
from tui.core.review import comments


class ReportModel:
    def __init__(self, report, context=(), doc=None, read_only=None):
        self.report = report
        self.doc = doc
        self.read_only = read_only  # None, or why edits cannot be saved (Chinese)
        self.findings = []
        self.marks = {}
        self.comments = {}
        self.previous = None
        self.signoff = "none"
        self._lock = None   # our advisory lock on the file (tui.store.lock), while open for editing
        self.set_context(context)

    @classmethod
    def open(cls, report, context=()):
        """Open the report's file for editing too; read-only (with the reason) if that fails."""
        from tui.store.document import EditableReport, OpenError

        try:
            doc = EditableReport.open(report.file, display=report.file)
        except OpenError as exc:
            return cls(report, context, None, f"无法以编辑方式打开：{exc}")
        fresh = doc.report()
        if isinstance(fresh, Invalid):  # changed on disk since it was listed
            return cls(report, context, None, fresh.error)
        return cls(fresh, context, doc, doc.read_only_reason)

    @property
    def data(self):
        return self.report.data

    @property
    def form(self):
        return self.report.form

    @property
    def path(self):
        return self.report.file

    @property
    def dirty(self):
        return self.doc is not None and self.doc.dirty

    def unsaved(self):
        """Addresses whose value differs from the file on disk: edited, not yet saved."""
        if self.doc is None or not self.doc.dirty:
            return frozenset()
        return frozenset(address for address, _ in self.doc.changes())

    @property
    def editable(self):
        return self.doc is not None

    def set_context(self, context):
        """The reports this one may be paired with; rechecks."""
        own = os.path.abspath(self.report.file)
        self.context = [r for r in context if os.path.abspath(r.file) != own]
        return self.recheck()

    def related(self):
        r = self.report
        return [o for o in self.context if o.agency == r.agency and o.year in (r.year, r.year - 1)]

    def recheck(self):
        """Run every rule again (after an edit); a few milliseconds for the largest sample."""
        self.report.invalidate()
        checked = check_reports([self.report] + self.related())[0]
        self.findings = checked.findings
        self.previous = checked.previous
        self.signoff = checked.signoff
        self.marks = marks_for(self.findings)
        self.stale_text = None
        if self.signoff == "stale":
            from tui.store.signoff import stale_description

            self.stale_text = stale_description(self.report.data, self.report.digest)
        self.comments = {}
        for c in comments(self.report.data):
            self.comments.setdefault(c["cell"], []).append(c)
        return self.findings

    # -- editing ------------------------------------------------------------

    def value(self, address):
        """The value of an address in the file being edited (MISSING where the file lacks it)."""
        return self.doc.get(address)

    def lacks(self, address):
        """Whether the file lacks an address (a key the editor can offer to add)."""
        from tui.core.address import MISSING
        from tui.store.document import EditError

        if self.doc is None or address is None:
            return False
        try:
            return self.doc.get(address) is MISSING
        except EditError:
            return False

    def insert_refusal(self, address):
        """Why a key cannot be added (Chinese), or None when it can."""
        if self.doc is None:
            return self.read_only or "此报告不能修改"
        return self.doc.can_insert(address)

    def insertion(self, address):
        """For a cell the file lacks: (key to add, its default value, the cell the editor
        edits, where that cell sits in the value) -- see tui.core.cells.insertion."""
        from tui.core.cells import insertion

        return insertion(self.form, address, self.lacks)

    @property
    def edit_count(self):
        return len(self.doc.edits) if self.doc is not None else 0

    def _sync(self):
        fresh = self.doc.report()
        if isinstance(fresh, Invalid):
            raise ValueError(fresh.error)
        self.report = fresh
        self.recheck()

    def _sync_or_roll_back(self):
        """After a change to the document: recheck, or undo it if the report no
        longer has a usable identity (then re-raise)."""
        try:
            self._sync()
        except ValueError:
            self.doc.undo()
            self._sync()
            raise
        return True

    def set(self, address, value):
        """Apply one edit (unsaved). Outcome kinds: edited, nothing (the value was
        already there), refused (not a value the cell can hold, or the file would
        break: nothing changed, the message says why)."""
        if self.doc is None:
            return Outcome("refused", self.read_only or "此报告不能修改")
        return self._change(lambda: self.doc.set(address, value), "edited", f"已修改 {address}（尚未保存）")

    def insert(self, address, value):
        """Add a key the file lacks (a row, a field, a [text] key), unsaved.
        Outcome kinds: added, refused (as for set)."""
        if self.doc is None:
            return Outcome("refused", self.read_only or "此报告不能修改")
        return self._change(lambda: self.doc.insert(address, value) or True, "added", f"已添加 {address}（尚未保存）")

    def _change(self, apply, kind, message):
        from tui.store.document import EditError

        try:
            if not apply():
                return Outcome("nothing", "值未改变")
            self._sync_or_roll_back()
        except (EditError, ValueError, TypeError) as exc:
            return Outcome("refused", str(exc))
        return Outcome(kind, message)

    def undo(self):
        address = self.doc.undo() if self.doc else None
        if address is not None:
            self._sync()
        return address

    def redo(self):
        address = self.doc.redo() if self.doc else None
        if address is not None:
            self._sync()
        return address

    # -- the file: save, save as, reload (each returns an Outcome) ---------------

    def save(self, force=False):
        """Write the edits over the file (verified, atomic). Outcome kinds: saved, nothing,
        read_only, conflict (changed on disk: force=True overwrites), failed."""
        from tui.store.document import Conflict, Failed, ReadOnly, Saved

        if self.doc is None:
            return Outcome("read_only", self.read_only or "此报告不能保存")
        if self.read_only:
            return Outcome("read_only", self.read_only)
        if not self.dirty and not force:
            return Outcome("nothing", "没有需要保存的修改")
        done = self.doc.try_save(force=force)
        if isinstance(done, Saved):
            self._saved()
            return Outcome("saved", f"已保存 {self.path}")
        if isinstance(done, Conflict):
            return Outcome("conflict", done.message)
        if isinstance(done, ReadOnly):
            return Outcome("read_only", done.message)
        if isinstance(done, Failed):
            return Outcome("failed", f"{done.message}\n原文件保持不变。")
        return Outcome("nothing", done.message)

    def _saved(self):
        from tui.store import recovery

        recovery.discard(self.path)
        self.recheck()

    def save_as(self, path):
        """Write to a new file, which this model then edits (its lock moves with it).
        Outcome kinds: saved, exists, read_only, failed."""
        from tui.store.document import Saved

        if self.doc is None:
            return Outcome("read_only", self.read_only or "此报告不能保存")
        if os.path.lexists(path):
            return Outcome("exists", f"{path} 已存在，不会覆盖")
        done = self.doc.try_save_as(path)
        if not isinstance(done, Saved):
            return Outcome("failed", done.message)
        self.release_lock()
        self.read_only = self.doc.read_only_reason
        self._sync()
        self._saved()
        return Outcome("saved", f"已另存为 {path}", others=self.take_lock())

    def reload(self):
        """Discard the edits and read the file again. Raises OpenError/ValueError."""
        self.doc.reload()
        self._sync()

    def try_reload(self):
        """reload() as an Outcome: reloaded or failed."""
        from tui.store.document import OpenError

        try:
            self.reload()
        except (OpenError, ValueError) as exc:
            return Outcome("failed", str(exc))
        return Outcome("reloaded", "已重新载入")

    # -- locks and recovery ---------------------------------------------------

    def take_lock(self):
        """Register as editing the file; the other reviewers holding it (lock holders)."""
        if self.doc is None or self.read_only:
            return []
        from tui.store import lock

        if self._lock is None:
            self._lock = lock.acquire(self.path)
        return lock.holders(self.path, exclude=self._lock)

    def release_lock(self):
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def write_recovery(self):
        """Unsaved edits → a recovery file (on a hang-up); its path, or None. Never raises."""
        if not self.dirty:
            return None
        from tui.store import recovery

        try:
            return recovery.write(self.doc)  # the state folder, or beside the report when that is unusable
        except Exception:  # noqa: BLE001 - nothing may stop the exit
            return None

    def find_recovery(self):
        """Edits left by an earlier session that ended without saving, or None."""
        if self.doc is None:
            return None
        from tui.store import recovery

        found = recovery.find(self.path)
        return found if found is not None and found.edits else None

    def restore(self, found):
        """Apply recovered edits (unsaved); [(address, why)] of those that failed."""
        from tui.store import recovery

        failed = recovery.apply(self.doc, found)
        self._sync()
        recovery.discard(self.path)
        return failed

    def discard_recovery(self):
        from tui.store import recovery

        recovery.discard(self.path)

    # -- review records (appended to the file, then reread) ----------------------

    def _review(self, write, message):
        from tui.store.signoff import ReviewError

        try:
            result = write()
        except ReviewError as exc:
            return Outcome("failed", str(exc))
        outcome = self.try_reload()
        if outcome.kind != "reloaded":
            return outcome
        return Outcome("written", message(result) if callable(message) else message)

    def write_signoff(self, decision, reviewer, note=None, accept_reason=None, sign_key=None):
        from tui.store.signoff import append_signoff

        def said(result):
            name = {"approved": "通过", "rejected": "退回"}[decision]
            extra = f"，并接受 {len(result.accepted)} 条错误" if result.accepted else ""
            return f"已签核：{name}{extra}（{result.digest[:19]}）"

        return self._review(lambda: append_signoff(self.path, decision, reviewer, note=note,
                                                   accept_reason=accept_reason, sign_key=sign_key), said)

    def unconfirmed(self):
        """Import flags (? cells) not yet confirmed against the original."""
        from tui.core.findings import UNCONFIRMED

        return [f for f in self.findings if f.rule == UNCONFIRMED and not f.accepted]

    def accept(self, finding, reason):
        """Accept an error, or a list of them (a group of the problem list) in one write."""
        from tui.store.signoff import append_accepted

        said = f"已接受 {len(finding)} 个问题" if isinstance(finding, list) else f"已接受：{finding.message}"
        return self._review(lambda: append_accepted(self.path, finding, reason), said)

    def comment(self, address, text, replacing=None):
        """Pin a comment to a cell; `replacing` (a comment record) is withdrawn in the same write."""
        from tui.store.signoff import append_comment
        from tui.store.withdraw import replace_comment

        if replacing is not None:
            return self._review(lambda: replace_comment(self.path, replacing, text), f"已修改批注：{address}")
        return self._review(lambda: append_comment(self.path, address, text), f"已添加批注：{address}")

    def withdrawable(self, address):
        """[(kind, record, words)] the reviewer may take back at a cell: live
        acceptances whose first cell it is, and its comments."""
        from tui.core.review import live_accepted, normal_address

        out = []
        for rec in live_accepted(self.report.data):
            if normal_address(rec["cells"][0]) == address:
                out.append(("accepted", rec, f"接受 {rec.get('rule', '')}：{rec.get('reason', '')}"))
        for c in self.comments.get(address, ()):
            out.append(("comment", c, f"批注：{c.get('text', '')}"))
        return out

    def withdraw(self, kind, record):
        from tui.store.withdraw import append_withdrawn

        what = "接受" if kind == "accepted" else "批注"
        return self._review(lambda: append_withdrawn(self.path, kind, record), f"已撤回{what}（原记录保留，追加了撤回记录）")


class Outcome:
    """What a model operation did, for the screen to show: a kind and a Chinese message."""

    __slots__ = ("kind", "message", "others")

    def __init__(self, kind, message, others=()):
        self.kind = kind
        self.message = message
        self.others = others   # save as: other reviewers holding the new file

    @property
    def ok(self):
        return self.kind in ("saved", "reloaded", "written", "edited", "added")

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.message!r})"
