"""`nianbao opinion`: review opinions (审查意见) and folder summaries (FORMAT.md §4).

    nianbao opinion FILE ... [--format md|html|docx] [-o FILE | --out-dir DIR] [--force]
    nianbao opinion --summary PATH ... [--format md|html|csv|docx] [-o FILE] [--force]

Opinions: each FILE is checked together with the other reports in its folder
(as `signoff`, `verify` and the workbench do), so last year's report beside
it counts for the year-over-year notes; they are checked as `check` checks
(tui.core.batch), and only each FILE's Opinion comes back from the workers.
Without -o/--out-dir the document goes to standard output (DOCX only when
that is not a terminal); -o writes every opinion into one document;
--out-dir one `<name>.opinion.<ext>` per report. The format is --format,
else -o's extension, else Markdown.

Summary: PATH is checked exactly as `nianbao check` checks it.

An existing output file is never overwritten without --force: the command
then writes nothing and exits 2. Exit status: opinions 0, or 2 if a FILE
could not be read (the others are still written) or nothing could be
written; summary 0, or 2 if no report could be read or nothing written.
"""

import os
import sys

from tui.core.checker import expand_paths
from tui.core.inert import inert
from tui.core.opinion import EXTENSIONS, OPINION_FORMATS, SUMMARY_FORMATS, format_of_path
from tui.core.siblings import report_files_in


def _err(message):
    # Messages name files of a shared folder and the paths given: inert.
    print(f"nianbao opinion：{inert(message, multiline=True)}", file=sys.stderr)


def _said(message):
    print(inert(message, multiline=True), file=sys.stderr)


def _format(args, allowed):
    if args.format:
        if args.format not in allowed:
            _err(f"--format {args.format} 不适用于此用法（可用：{'、'.join(allowed)}）")
            return None
        return args.format
    if args.output:
        return format_of_path(args.output, allowed) or "md"
    return "md"


def _emit(data, fmt, target, force):
    """Write bytes to `target` (None: standard output). → exit status 0 or 2."""
    if target is None:
        if fmt == "docx" and sys.stdout.isatty():
            _err("DOCX 是二进制文件，不能输出到终端：请用 -o FILE 或 --out-dir DIR")
            return 2
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    from tui.store.export import ExportError, write_document

    try:
        write_document(target, data, overwrite=force)
    except ExportError as exc:
        _err(f"{exc}" + ("（加 --force 覆盖）" if exc.__class__.__name__ == "Exists" else ""))
        return 2
    return 0


def _out_names(inputs, out_dir, ext):
    """{file: output path} in out_dir, `<stem>.opinion<ext>`, made unique within
    the run. Named before anything is checked, from the FILEs as given: so
    that an existing file stops the run before any opinion is written, and a
    report's name does not depend on whether another file could be read."""
    names, used = {}, set()
    for file in inputs:
        stem = os.path.splitext(os.path.basename(file))[0]
        name, n = f"{stem}.opinion{ext}", 2
        while name in used:
            name, n = f"{stem}-{n}.opinion{ext}", n + 1
        used.add(name)
        names[file] = os.path.join(out_dir, name)
    return names


def _opinions(args, inputs):
    """(file, Opinion or Invalid) of each FILE, in order, as the checks finish.

    Each is checked with the reports beside it (tui.core.batch, as `check`),
    which are identified for pairing but not checked themselves: the workers
    send back the Opinion, a few findings and strings, never the report; the
    parent keeps nothing of a report it has passed on. A folder
    is listed once (1,180 files of one folder listed it 1,180 times, and the
    1.4 million paths took 15 s to resolve)."""
    from tui.core.batch import run as run_batch
    from tui.core.opinion.model import Opinion

    paths = list(args.paths)
    for folder in dict.fromkeys(os.path.dirname(p) for p in inputs):
        paths.extend(report_files_in(folder))
    items = expand_paths(paths)  # the FILEs first, in order; then the others beside them
    # The others are only identified, for pairing: an opinion on one report
    # of a national folder does not check the whole folder.
    for index, got in run_batch(items, Opinion, jobs=args.jobs, first=len(inputs)):
        yield items[index][1], got


def run_opinions(args):
    from tui.render import render_opinions
    from tui.core.report import Invalid

    fmt = _format(args, OPINION_FORMATS)
    if fmt is None:
        return 2
    inputs = [display for _, display in expand_paths(args.paths)]
    targets = None
    if args.out_dir:
        if not os.path.isdir(args.out_dir):
            _err(f"--out-dir {args.out_dir} 不是已存在的文件夹")
            return 2
        targets = _out_names(inputs, args.out_dir, EXTENSIONS[fmt])
        exists = [t for t in targets.values() if os.path.lexists(t)]
        if exists and not args.force:
            _err(f"{'、'.join(exists)} 已存在，不会覆盖（加 --force 覆盖）；未写入任何文件")
            return 2
    status, done, kept = 0, 0, []
    for file, got in _opinions(args, inputs):
        if isinstance(got, Invalid):
            _err(f"无法读取：{got.error}")
            status = 2
            continue
        done += 1
        if targets is None:
            kept.append(got)  # one document: an Opinion per report, not the report
        elif _emit(render_opinions([got], fmt), fmt, targets[file], args.force):
            return 2
    if not done:
        _err("没有可读取的报告")
        return 2
    if targets is not None:
        _said(f"已写入 {done} 份审查意见到 {args.out_dir}")
        return status
    if _emit(render_opinions(kept, fmt), fmt, args.output, args.force):
        return 2
    if args.output:
        _said(f"已写入 {args.output}（{done} 份报告的审查意见）")
    return status


def run_summary(args):
    from tui.render import render_summary
    from tui.core.batch import run as run_batch
    from tui.core.opinion.model import Summary, SummaryRow
    from tui.core.report import Invalid

    if args.out_dir:
        _err("--summary 只写一个文件：请用 -o FILE")
        return 2
    fmt = _format(args, SUMMARY_FORMATS)
    if fmt is None:
        return 2
    # Checked as `nianbao check` checks (tui.core.batch): the workers send
    # back one SummaryRow per report, so a national batch's summary holds
    # rows, not reports (20,000 reports: 437 MB before).
    rows, invalid = [], []
    for _, got in run_batch(expand_paths(args.paths, compact=True), SummaryRow, jobs=args.jobs):
        (invalid if isinstance(got, Invalid) else rows).append(got)
    for i in invalid:
        _err(f"无法读取：{i.error}")
    if not rows:
        _err("没有可读取的报告")
        return 2
    data = render_summary(Summary([], invalid, rows=rows), fmt, to_file=bool(args.output))
    if _emit(data, fmt, args.output, args.force):
        return 2
    if args.output:
        _said(f"已写入 {args.output}（{len(rows)} 份报告的汇总）")
    return 0


def run(args):
    if args.output and args.out_dir:
        _err("-o 与 --out-dir 只能选一个")
        return 2
    return run_summary(args) if args.summary else run_opinions(args)
