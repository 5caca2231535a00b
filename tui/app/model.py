"""ReportModel: one open report with its findings, its marks and its context.

The context is the other reports the report can be paired with (its folder
or the report list), so that year-over-year findings show in the workbench
exactly as `nianbao check` reports them.
"""

import os

from tui.app.marks import marks_for
from tui.core.checker import check_reports
from tui.core.review import comments, signoff_state


class ReportModel:
    def __init__(self, report, context=()):
        self.report = report
        self.findings = []
        self.marks = {}
        self.previous = None
        self.signoff = "none"
        self.set_context(context)

    def set_context(self, context):
        """The reports this one may be paired with; rechecks."""
        own = os.path.abspath(self.report.file)
        self.context = [r for r in context if os.path.abspath(r.file) != own]
        return self.recheck()

    @property
    def data(self):
        return self.report.data

    @property
    def form(self):
        return self.report.form

    @property
    def path(self):
        return self.report.file

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
        self.comments = {}
        for c in comments(self.report.data):
            self.comments.setdefault(c["cell"], []).append(c)
        return self.findings

    @property
    def state(self):
        return signoff_state(self.report.data, self.report.digest)
