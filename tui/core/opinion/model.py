"""The review opinion (审查意见) and the folder summary, as plain data.

Everything here is derived from a `Checked` (tui.core.checker): the same
findings, acceptance and sign-off state that `nianbao check` prints and the
workbench marks, the form's printed labels, and the review records of
FORMAT.md §5. Renderers (markdown, html, docx, csv, text) only lay it out.
"""

import datetime
import math

from tui.core.address import MISSING, get_value, parse_address
from tui.core.findings import ERROR, GLYPHS, SEVERITY_NAMES, WARNING
from tui.core.grouping import group_findings
from tui.core.order import cell_order, rank_of, section_of, sections
from tui.core.review import (APPROVED, NONE, REJECTED, STALE, STATE_NAMES, accepting_record, comments,
                             latest_signoff)

DASH = "—"
DECISION_NAMES = {APPROVED: "通过", REJECTED: "退回"}
# The summary lists what needs action first: sent back, changed since sign-off, never reviewed, passed.
STATE_ORDER = (REJECTED, STALE, NONE, APPROVED)


# -- values in words --------------------------------------------------------

def show_value(v, limit=24):
    """A cell's value as a document shows it: numbers as written, blank as 空白."""
    if v is None:
        return DASH
    if v is MISSING:
        return "缺（文件中没有）"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, str):
        if not v.strip():
            return "空白"
        return "“" + (v if len(v) <= limit else v[:limit] + "……") + "”"
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, dict):
        return "（表）"
    if isinstance(v, list):
        return "（数组）"
    return str(v)


def show_time(at):
    """A record's `at`: `2021-01-25 16:40:00+08:00`; anything else as written."""
    if isinstance(at, datetime.datetime):
        return at.isoformat(sep=" ")
    if isinstance(at, (datetime.date, datetime.time)):
        return at.isoformat()
    if at is None:
        return DASH
    return str(at)


def show_date(at):
    if isinstance(at, datetime.datetime):
        return at.date().isoformat()
    if isinstance(at, datetime.date):
        return at.isoformat()
    return DASH if at is None else str(at)


def _text(v):
    """A free-text field of a record (reason, note, reviewer): a string, or its value in words."""
    if v is None:
        return ""
    return v if isinstance(v, str) else show_value(v)


def _cell_value(data, address):
    try:
        return get_value(data, parse_address(address))
    except ValueError:
        return MISSING


# -- the opinion --------------------------------------------------------------

class Problem:
    """One line of a problems table: a finding, or a group of findings with one cause."""

    __slots__ = ("severity", "rule", "label", "address", "published", "expected", "explanation", "count",
                 "findings", "previous")

    def __init__(self, group, report):
        f = group.first
        self.severity = f.severity
        self.rule = f.rule
        self.findings = group.findings
        self.count = group.size
        self.label = group.label(report.form)
        self.address = group.address_text()
        if f.actual is not None:
            self.published = show_value(f.actual)
        elif f.first:
            self.published = show_value(_cell_value(report.data, f.first))
        else:
            self.published = DASH
        self.expected = show_value(f.expected)
        self.explanation = f.message if group.size == 1 else f"同一问题共 {group.size} 格，例如：{f.message}"
        prev = f.previous or {}
        self.previous = list(prev.get("cells") or [])

    @property
    def glyph(self):
        return GLYPHS.get(self.severity, "?")

    @property
    def severity_name(self):
        return SEVERITY_NAMES.get(self.severity, self.severity)

    @property
    def mark(self):
        """Glyph and word, never the glyph alone: `✗ 错误`."""
        return f"{self.glyph} {self.severity_name}"


class ProblemTable:
    __slots__ = ("key", "title", "problems")

    def __init__(self, key, title, problems):
        self.key = key
        self.title = title
        self.problems = problems


class Accepted:
    __slots__ = ("severity", "rule", "label", "address", "explanation", "reason", "user", "at", "finding")

    def __init__(self, finding, report):
        rec = accepting_record(finding, report.data) or {}
        self.finding = finding
        self.severity = finding.severity
        self.rule = finding.rule
        self.label = report.form.label(finding.first) if finding.first else ""
        self.address = finding.first or ""
        self.explanation = finding.message
        self.reason = _text(rec.get("reason"))
        self.user = _text(rec.get("user"))
        self.at = show_time(rec.get("at"))


class Comment:
    __slots__ = ("label", "address", "text", "user", "at")

    def __init__(self, record, report):
        self.address = record["cell"]
        self.label = report.form.label(self.address)
        self.text = _text(record.get("text"))
        self.user = _text(record.get("user"))
        self.at = show_time(record.get("at"))


class Signoff:
    """The latest sign-off record, in words."""

    __slots__ = ("decision", "decision_name", "reviewer", "user", "at", "date", "note", "signed")

    def __init__(self, record):
        self.decision = record.get("decision")
        self.decision_name = DECISION_NAMES.get(self.decision, _text(self.decision) or DASH)
        self.reviewer = _text(record.get("reviewer")) or _text(record.get("user"))
        self.user = _text(record.get("user"))
        self.at = show_time(record.get("at"))
        self.date = show_date(record.get("at"))
        self.note = _text(record.get("note"))
        self.signed = bool(record.get("signature"))


class Opinion:
    """The review opinion of one report, in the order a reader expects."""

    def __init__(self, checked):
        report = checked.report
        self.file = report.file
        self.agency = report.agency
        self.year = report.year
        self.edition = report.form.name
        self.issued_by = report.form.issued_by
        self.digest = report.digest
        self.state = checked.signoff
        self.state_name = STATE_NAMES.get(self.state, self.state)
        latest = latest_signoff(report.data) if self.state != NONE else None
        self.signoff = Signoff(latest) if latest is not None else None
        findings = checked.findings
        self.errors = sum(1 for f in findings if f.severity == ERROR and not f.accepted)
        self.warnings = sum(1 for f in findings if f.severity == WARNING and not f.accepted)
        self.infos = sum(1 for f in findings if f.severity not in (ERROR, WARNING) and not f.accepted)
        self.accepted_count = sum(1 for f in findings if f.accepted)

        order = cell_order(report.form, report.data)
        secs = sections(report.form, report.data)
        open_findings = [f for f in findings if not f.accepted]
        single = [f for f in open_findings if not f.rule.startswith("yoy.")]
        tables = {}
        for group in group_findings(single, report.form, report.data):
            sec = section_of(group.first.first, secs)
            tables.setdefault(sec.key, (sec, []))[1].append(Problem(group, report))
        self.tables = [ProblemTable(sec.key, sec.title, rows)
                       for sec, rows in sorted(tables.values(), key=lambda t: t[0].rank)]

        def by_place(f):
            return rank_of(f.first, order), f.rule

        self.accepted = [Accepted(f, report) for f in sorted((f for f in findings if f.accepted), key=by_place)]
        notes = [c for c in comments(report.data)]
        notes.sort(key=lambda c: rank_of(c["cell"], order))  # stable: file order within a cell
        self.comments = [Comment(c, report) for c in notes]

        prev = checked.previous
        self.previous_file = prev.file if prev is not None else None
        self.previous_year = report.year - 1
        yoy = sorted((f for f in open_findings if f.rule.startswith("yoy.")), key=by_place)
        from tui.core.grouping import Group

        self.yoy = [Problem(Group([f]), report) for f in yoy]

    @property
    def title(self):
        return f"审查意见：{self.agency} {self.year} 年度政府信息公开工作年度报告"

    def heading(self):
        """[(label, value)] of the heading block."""
        return [("发布机关", self.agency), ("报告年度", str(self.year)),
                ("报告格式", f"{self.edition}（{self.issued_by}）"), ("文件", self.file), ("摘要", self.digest)]

    def state_line(self):
        s = self.signoff
        if self.state == NONE:
            return "签核状态：未签核（本报告尚无签核记录）"
        if self.state == STALE:
            return (f"签核状态：已过期（最近一次签核为“{s.decision_name}”，审核人 {s.reviewer}，{s.at}；"
                    "签核后报告内容已改动，该签核不再有效）")
        return f"签核状态：{self.state_name}（审核人 {s.reviewer}，{s.at}）"

    def conclusion(self):
        """The conclusion as lines of text."""
        lines = [self.state_line()]
        if self.signoff is not None and self.signoff.note:
            lines.append(f"签核意见：{self.signoff.note}")
        counts = f"检查结果：错误 {self.errors} 条，警告 {self.warnings} 条"
        if self.infos:
            counts += f"，提示 {self.infos} 条"
        lines.append(counts + f"，已接受 {self.accepted_count} 条")
        if self.errors:
            lines.append(f"结论：尚有 {self.errors} 条错误未更正也未接受，报告不能签核通过。")
        elif self.warnings:
            lines.append(f"结论：没有未处理的错误；有 {self.warnings} 条警告，请核实。")
        elif self.accepted_count or self.infos:
            lines.append("结论：没有未处理的错误或警告。")
        else:
            lines.append("结论：未发现问题。")
        return lines

    def yoy_line(self):
        if self.previous_file is None:
            return f"未找到同一机关 {self.previous_year} 年度的报告，未做跨年对照。"
        line = f"对照上年报告：{self.previous_file}（{self.previous_year} 年度）"
        return line + ("。" if self.yoy else "，未发现跨年问题。")


# -- the summary ------------------------------------------------------------

class SummaryRow:
    __slots__ = ("file", "agency", "year", "edition", "errors", "warnings", "accepted", "state", "state_name",
                 "reviewer", "date")

    def __init__(self, checked):
        r = checked.report
        self.file = r.file
        self.agency = r.agency
        self.year = r.year
        self.edition = r.form.name
        errors = warnings = accepted = 0
        for f in checked.findings:
            if f.accepted:
                accepted += 1
            elif f.severity == ERROR:
                errors += 1
            elif f.severity == WARNING:
                warnings += 1
        self.errors, self.warnings, self.accepted = errors, warnings, accepted
        self.state = checked.signoff
        self.state_name = STATE_NAMES.get(self.state, self.state)
        latest = latest_signoff(r.data) if self.state != NONE else None
        if latest is not None:
            self.reviewer = _text(latest.get("reviewer")) or _text(latest.get("user")) or DASH
            self.date = show_date(latest.get("at"))
        else:
            self.reviewer = self.date = DASH

    def sort_key(self):
        rank = STATE_ORDER.index(self.state) if self.state in STATE_ORDER else len(STATE_ORDER)
        return rank, self.agency, self.year, self.file


SUMMARY_COLUMNS = (("agency", "发布机关"), ("year", "年度"), ("edition", "格式"), ("errors", "错误"),
                   ("warnings", "警告"), ("accepted", "已接受"), ("state_name", "签核状态"),
                   ("reviewer", "审核人"), ("date", "签核日期"), ("file", "文件"))


class Summary:
    """One row per report, sorted by sign-off state then agency, with totals."""

    def __init__(self, checked, invalid=(), title="政府信息公开工作年度报告审核汇总", rows=()):
        """`checked`: Checked reports; `rows`: SummaryRows made already (the
        report list keeps one per report instead of the report)."""
        self.title = title
        self.rows = sorted([*(SummaryRow(c) for c in checked), *rows], key=SummaryRow.sort_key)
        self.invalid = [(i.file, i.error) for i in invalid]
        self.errors = sum(r.errors for r in self.rows)
        self.warnings = sum(r.warnings for r in self.rows)
        self.accepted = sum(r.accepted for r in self.rows)
        self.states = {s: sum(1 for r in self.rows if r.state == s) for s in STATE_ORDER}
        self.with_errors = sum(1 for r in self.rows if r.errors)

    def totals_line(self):
        states = "，".join(f"{STATE_NAMES[s]} {self.states[s]} 份" for s in STATE_ORDER)
        line = (f"共 {len(self.rows)} 份报告（{states}）；{self.with_errors} 份有未处理的错误；"
                f"错误 {self.errors} 条，警告 {self.warnings} 条，已接受 {self.accepted} 条")
        if self.invalid:
            line += f"；无法读取的文件 {len(self.invalid)} 个"
        return line + "。"

    def totals_row(self):
        """The totals as a row of the table's columns (for md, html, csv, docx)."""
        return {"agency": "合计", "year": "", "edition": f"{len(self.rows)} 份", "errors": self.errors,
                "warnings": self.warnings, "accepted": self.accepted,
                "state_name": f"已通过 {self.states[APPROVED]} 份", "reviewer": "", "date": "", "file": ""}
