"""The opinion as plain text, for the workbench preview (80×24 and up).

No tables: at 80 columns a six-column table of Chinese text is unreadable,
so each problem is a short block (mark and label, then cell and figures,
then the explanation). Lines are left for the screen to wrap. Only narrow,
unambiguous-width symbols are used (FIELD-NOTES).
"""

from tui.core.findings import GLYPHS
from tui.core.opinion.escape import one_line, printable

INDENT = "    "


def _problem(p):
    out = [f"  {p.mark}  {one_line(p.label)}",
           f"{INDENT}单元格 {one_line(p.address)}  发布值 {one_line(p.published)}  应为 {one_line(p.expected)}"]
    out += [INDENT + line for line in printable(p.explanation).split("\n")]
    if p.previous:
        out.append(f"{INDENT}上年单元格 {'、'.join(one_line(c) for c in p.previous)}")
    return out


def render_opinion(op):
    out = [one_line(op.title), ""]
    width = max(len(k) for k, _ in op.heading())
    # The labels are Chinese (two columns each): pad with ideographic spaces.
    out += [f"  {k}{'　' * (width - len(k))}  {one_line(v)}" for k, v in op.heading()]
    out += ["", "【结论】"]
    out += [f"  {one_line(line)}" for line in op.conclusion()]
    out += ["", "【问题】"]
    if not op.tables:
        out.append("  未发现未处理的问题。")
    for t in op.tables:
        out.append(f" {one_line(t.title)}")
        for p in t.problems:
            out += _problem(p)
    out += ["", "【已接受的问题】"]
    if not op.accepted:
        out.append("  无。")
    for a in op.accepted:
        out.append(f"  {GLYPHS['accepted']} 已接受  {one_line(a.label)}")
        out.append(f"{INDENT}单元格 {one_line(a.address)}")
        out.append(f"{INDENT}{one_line(a.explanation)}")
        out.append(f"{INDENT}理由：{one_line(a.reason) or '（未写明）'}；接受人 {one_line(a.user) or '—'}，{one_line(a.at)}")
    out += ["", "【批注】"]
    if not op.comments:
        out.append("  无。")
    for c in op.comments:
        out.append(f"  # {one_line(c.label)}（{one_line(c.address)}）")
        out += [INDENT + line for line in printable(c.text).split("\n")]
        out.append(f"{INDENT}—— {one_line(c.user) or '—'}，{one_line(c.at)}")
    out += ["", "【跨年对照】", f"  {one_line(op.yoy_line())}"]
    for p in op.yoy:
        out += _problem(p)
    out.append("")
    return "\n".join(out)
