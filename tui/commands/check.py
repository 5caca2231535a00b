"""`nianbao check`: the rules, headless, for people (text) or scripts (json).

Output streams: workers check the reports (tui.core.batch) and send back each
report's finished block of text or JSON, which is written at once, in input
order; memory stays flat however many files are checked.
"""

import gc
import json
import os
import sys

from tui.commands.color import enabled, paint
from tui.core.batch import PARALLEL_FROM, run as run_batch
from tui.core.checker import expand_paths
from tui.core.findings import GLYPHS
from tui.core.inert import inert, json_inert
from tui.core.review import STATE_NAMES


def run(args):
    workers = _prestart(args)
    try:
        items = expand_paths(args.paths, compact=True)
    except BaseException:
        if workers is not None:
            workers.terminate()
        raise
    # A few reports checked in this process make no reference cycles worth the
    # cyclic collector's passes over everything start-up made (about 1 ms of
    # a one-file check's cold start, issue 15): it pauses until they are done.
    paused = workers is None and len(items) < PARALLEL_FROM and gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _check(args, items, workers)
    finally:
        if paused:
            if not gc.get_freeze_count():
                # What the check made joins the oldest generation as it is, so
                # that the collector's first pass after the pause does not walk
                # all of it (0.4 ms, as the process exits).
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _check(args, items, workers):
    terminal = sys.stdout.isatty()
    out = sys.stdout if terminal else _Blocks(sys.stdout)
    if args.format == "json":
        # Indented for a person at a terminal; compact for scripts. json.dumps
        # without indent runs the C encoder (json.dump never does).
        status = _stream_json(out, items, args.jobs, _json_indented if terminal else _json_compact, terminal, workers)
    else:
        status = _stream_text(out, items, args.jobs, _text_color if enabled() else _text_plain, enabled(), workers)
    out.flush()
    return status


class _Blocks:
    """Output to a file or pipe, written in blocks of about BLOCK characters.
    A report's JSON is about 2.5 KB and was written in two calls: with
    Python's output unbuffered (PYTHONUNBUFFERED, usual in containers) that
    is two system calls per report in the one process that every worker
    waits on. A person at a terminal gets each report as it comes."""

    BLOCK = 1 << 16

    def __init__(self, out):
        self.out, self.parts, self.size = out, [], 0

    def write(self, text):
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.BLOCK:
            self.flush()

    def flush(self):
        if self.parts:
            self.out.write("".join(self.parts))
            self.parts.clear()
            self.size = 0
        self.out.flush()


def _prestart(args):
    """Worker processes forked before the list of files exists (see
    tui.core.batch.prestart), when a folder or many files are to be checked."""
    from tui.core.batch import jobs_for, prestart

    if jobs_for(args.jobs) > 1 and (len(args.paths) >= PARALLEL_FROM or any(map(os.path.isdir, args.paths))):
        return prestart(args.jobs)
    return None


def _counts(c):
    return c.errors, c.warnings, sum(1 for f in c.findings if f.accepted)


# Renderers run in the workers: module-level, picklable by name.
def _text_plain(c):
    return "\n".join(report_lines(c, False)) + "\n", _counts(c)


def _text_color(c):
    return "\n".join(report_lines(c, True)) + "\n", _counts(c)


# One encoder for every report (json.dumps builds one per call: 4 µs a
# report); to_json() makes a fresh tree, so no cycle check.
_COMPACT = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _json_compact(c):
    return json_inert(_COMPACT.encode(c.to_json())), _counts(c)


def _json_indented(c):
    text = json.dumps(c.to_json(), ensure_ascii=False, indent=1)
    return json_inert("  " + text.replace("\n", "\n  ")), _counts(c)  # nested two levels: {"reports": [ ... ]}


class _Totals:
    def __init__(self):
        self.reports = self.bad = self.errors = self.warnings = self.accepted = 0
        self.invalid = []

    def add(self, counts):
        errors, warnings, accepted = counts
        self.reports += 1
        self.bad += 1 if errors else 0
        self.errors += errors
        self.warnings += warnings
        self.accepted += accepted

    @property
    def exit_status(self):
        if self.invalid or not self.reports:  # FORMAT.md §4: 2 if no report was found
            return 2
        return 1 if self.errors else 0


def _results(items, jobs, render, totals, workers=None):
    """The rendered reports, in order; invalid files collected in totals."""
    from tui.core.report import Invalid

    for _, got in run_batch(items, render, jobs=jobs, workers=workers):
        if isinstance(got, Invalid):
            totals.invalid.append(got)
        else:
            text, counts = got
            totals.add(counts)
            yield text


def _stream_json(out, items, jobs, render, indented, workers=None):
    """Byte for byte what json.dumps({"reports": [...], "invalid": [...]}) writes."""
    totals = _Totals()
    sep = ",\n" if indented else ", "
    out.write('{\n "reports": [' if indented else '{"reports": [')
    first = True
    for text in _results(items, jobs, render, totals, workers):
        if first:
            out.write("\n" if indented else "")
            first = False
        else:
            out.write(sep)
        out.write(text)  # made inert by the renderer (json_inert)
    if not first and indented:
        out.write("\n ")
    invalid = json_inert(json.dumps([i.to_json() for i in totals.invalid], ensure_ascii=False,
                                    indent=1 if indented else None))
    if indented:
        out.write('],\n "invalid": ' + invalid.replace("\n", "\n ") + "\n}\n")
    else:
        out.write('], "invalid": ' + invalid + "}\n")
    if not totals.reports and not totals.invalid:
        print("nianbao check：未找到报告（给出的路径中没有 *.toml 文件）", file=sys.stderr)
    return totals.exit_status


def _stream_text(out, items, jobs, render, color, workers=None):
    totals = _Totals()
    for text in _results(items, jobs, render, totals, workers):
        out.write(text + "\n")
    out.write(tail_text(totals, color))
    return totals.exit_status


def _style(finding):
    return "accepted" if finding.accepted else finding.severity


def report_lines(c, color=False):
    """One checked report's block of text (without the blank line after it)."""
    r = c.report
    head = f"{inert(r.file)}  {inert(r.agency)} {r.year} 年度 · {r.form.name} · 签核：{STATE_NAMES[c.signoff]}"
    if c.previous is not None:
        head += f" · 对照上年：{inert(c.previous.file)}"
    out = [paint(head, "bold", color)]
    if not c.findings:
        out.append("  " + paint(GLYPHS["clean"] + " 未发现问题", "accepted", color))
    for f in c.findings:
        label = inert(r.form.label(f.first)) if f.first else ""
        tail = "（已接受）" if f.accepted else ("（已接受的数字已变化，需重新接受）" if f.lapsed else "")
        out.append(f"  {paint(f.glyph, _style(f), color)} {inert(f.first)}  {paint(label, 'dim', color)}  "
                   f"{inert(f.message)}{tail}")
    return out


def tail_text(totals, color=False):
    """The unreadable files and the summary line."""
    out = []
    if totals.invalid:
        out.append(paint("无法读取的文件", "bold", color))
        for i in totals.invalid:
            out.append(f"  {paint('✗', 'error', color)} {inert(i.error)}")
        out.append("")
    if not totals.reports and not totals.invalid:
        out.append("未找到报告：给出的路径中没有 *.toml 文件。")
    elif not totals.reports:
        out.append("没有可读取的报告。")
    out.append(f"共 {totals.reports} 份报告：{totals.bad} 份有错误；错误 {totals.errors} 条，警告 {totals.warnings} 条，"
               f"已接受 {totals.accepted} 条；无法读取的文件 {len(totals.invalid)} 个。")
    return "\n".join(out) + "\n"
