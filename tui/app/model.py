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
        """Apply one edit; False if the value was already there. Raises EditError/ValueError."""
        return self.doc.set(address, value) and self._sync_or_roll_back()

    def insert(self, address, value):
        """Add a key the file lacks (a row, a field, a [text] key). Raises EditError/ValueError."""
        self.doc.insert(address, value)
        return self._sync_or_roll_back()

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

    def reload(self):
        self.doc.reload()
        self._sync()
