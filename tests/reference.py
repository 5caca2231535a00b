"""The in-memory check that the tests hold the real paths to.

`check_paths` loads every file in this process and checks the reports
together (tui.core.checker.check_loaded: every report paired with the
previous year's among them, FORMAT.md §2), the plainest reading of the spec;
`render_text` prints its CheckResult as `check` does, and `opinions` makes
its review opinions. `nianbao check`, `opinion` and the workbench's list
stream files through tui.core.batch instead, never holding them all; the
tests compare what they give with this.
"""

from tui.commands.check import _Totals, _counts, report_lines, tail_text
from tui.core.checker import check_loaded, expand_paths
from tui.core.load import load_path
from tui.core.opinion.model import Opinion
from tui.core.report import Invalid
from tui.core.rules import check_report


class CheckResult:
    """Every checked report and every unreadable file of a check."""

    def __init__(self, checked, invalid):
        self.checked = checked
        self.invalid = invalid

    @property
    def exit_status(self):
        if self.invalid or not self.checked:  # FORMAT.md §4: 2 if no report was found
            return 2
        return 1 if any(f.blocking for c in self.checked for f in c.findings) else 0

    def to_json(self):
        return {"reports": [c.to_json() for c in self.checked],
                "invalid": [i.to_json() for i in self.invalid]}


def check_paths(paths):
    """CheckResult of the report files under `paths` (files and folders)."""
    loaded, invalid = [], []
    for path, display in expand_paths(paths):
        report = load_path(path, display)
        if isinstance(report, Invalid):
            invalid.append(report)
        else:
            loaded.append((report, check_report(report)))
    return CheckResult(check_loaded(loaded), invalid)


def render_text(result, color=False):
    """A CheckResult as `check` prints it."""
    totals = _Totals()
    totals.invalid = list(result.invalid)
    out = []
    for c in result.checked:
        totals.add(_counts(c))
        out.extend(report_lines(c, color))
        out.append("")
    return "\n".join(out) + ("\n" if out else "") + tail_text(totals, color)


def opinions(result, files=None):
    """[Opinion] for the checked reports of a CheckResult (only those in `files`, display names, if given)."""
    wanted = None if files is None else set(files)
    return [Opinion(c) for c in result.checked if wanted is None or c.report.file in wanted]
