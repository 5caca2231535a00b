"""`nianbao check`: the rules, headless, for people (text) or scripts (json)."""

import json
import re
import sys

from tui.commands.color import enabled, paint
from tui.core.checker import check_paths
from tui.core.inert import inert
from tui.core.review import STATE_NAMES


_SURROGATE = re.compile("[\ud800-\udfff]")


def run(args):
    result = check_paths(args.paths, jobs=args.jobs)
    if args.format == "json":
        # Indented for a person at a terminal; compact for scripts. json.dumps
        # without indent runs the C encoder (json.dump never does): a third
        # of a second for 2,000 reports.
        indent = 1 if sys.stdout.isatty() else None
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=indent)
        # A file name with undecodable bytes holds lone surrogates, which UTF-8
        # cannot carry: write them as JSON \u escapes (valid JSON, and json.loads
        # gives the name back exactly as os.fsdecode made it).
        sys.stdout.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
        sys.stdout.write("\n")
        if not result.checked and not result.invalid:
            print("nianbao check：未找到报告（给出的路径中没有 *.toml 文件）", file=sys.stderr)
    else:
        sys.stdout.write(render_text(result, enabled()))
    sys.stdout.flush()
    return result.exit_status


def _style(finding):
    return "accepted" if finding.accepted else finding.severity


def render_text(result, color=False):
    out = []
    for c in result.checked:
        r = c.report
        head = f"{inert(r.file)}  {inert(r.agency)} {r.year} 年度 · {r.form.name} · 签核：{STATE_NAMES[c.signoff]}"
        if c.previous is not None:
            head += f" · 对照上年：{inert(c.previous.file)}"
        out.append(paint(head, "bold", color))
        if not c.findings:
            out.append("  " + paint("✓ 未发现问题", "accepted", color))
        for f in c.findings:
            label = inert(r.form.label(f.first)) if f.first else ""
            tail = "（已接受）" if f.accepted else ("（已接受的数字已变化，需重新接受）" if f.lapsed else "")
            out.append(f"  {paint(f.glyph, _style(f), color)} {inert(f.first)}  {paint(label, 'dim', color)}  "
                       f"{inert(f.message)}{tail}")
        out.append("")
    if result.invalid:
        out.append(paint("无法读取的文件", "bold", color))
        for i in result.invalid:
            out.append(f"  {paint('✗', 'error', color)} {inert(i.error)}")
        out.append("")
    errors = sum(1 for c in result.checked for f in c.findings if f.blocking)
    warnings = sum(1 for c in result.checked for f in c.findings if f.severity == "warning" and not f.accepted)
    accepted = sum(1 for c in result.checked for f in c.findings if f.accepted)
    bad = sum(1 for c in result.checked if c.errors)
    if not result.checked and not result.invalid:
        out.append("未找到报告：给出的路径中没有 *.toml 文件。")
    elif not result.checked:
        out.append("没有可读取的报告。")
    out.append(f"共 {len(result.checked)} 份报告：{bad} 份有错误；错误 {errors} 条，警告 {warnings} 条，"
               f"已接受 {accepted} 条；无法读取的文件 {len(result.invalid)} 个。")
    return "\n".join(out) + "\n"
