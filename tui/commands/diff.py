"""`nianbao diff OLD NEW`: every cell that differs and a marked-up diff of each
[text] key, for scripts and plain terminals.

The output reads without colour: deletions are `[-…-]`, insertions `{+…+}`,
every difference names its address(es) and printed labels. Aligned parts
use only narrow or wide characters, never ambiguous-width ones (Δ ± … →),
which misalign on terminals set to double width (FIELD-NOTES). Colour only
when stdout is a terminal and NO_COLOR is unset.

Exit status: 0 (FORMAT.md §4); 2 when a file cannot be read, with the file,
line and column on stderr (the spec is silent there, but a script needs to
tell "no differences" from "could not compare").
"""

import sys

from tui.commands.color import enabled, paint
from tui.core.compare import SEP, compare_reports, finite
from tui.core.inert import inert
from tui.core.load import load_path
from tui.core.report import Invalid
from tui.core.rules import fmt, is_number
from tui.core.textdiff import DELETE, DELETE_MARKS, INSERT, INSERT_MARKS, diff_stats, elide

CONTEXT = 40  # unchanged characters kept on each side of a change in text diffs
INDENT = "  "


def run(args):
    old = load_path(args.old)
    new = load_path(args.new)
    bad = [r for r in (old, new) if isinstance(r, Invalid)]
    if bad:
        for r in bad:
            print(f"nianbao diff：无法读取 {inert(r.error)}", file=sys.stderr)
        return 2
    sys.stdout.write(render(compare_reports(old, new), enabled()))
    sys.stdout.flush()
    return 0


# -- values -------------------------------------------------------------------

def value_text(v):
    if v is None:
        return "（无）"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return fmt(v)
    if isinstance(v, str):
        return "（空白）" if v.strip() == "" else f"“{inert(v)}”"
    return inert(str(v))


def delta_text(cell):
    """`差 +150 (+12.5%)`; ASCII signs only."""
    if cell.delta is None:
        if cell.old is None or cell.new is None:
            return "差 无法计算（一方缺此格）"
        if is_number(cell.old) and is_number(cell.new):
            if not (finite(cell.old) and finite(cell.new)):
                return "差 无法计算（非有限数）"
            return "差 不计算（单位不同）"
        return "差 无法计算（非数字）"
    d = cell.delta
    sign = "+" if d > 0 else "-" if d < 0 else ""
    text = f"差 {sign}{fmt(abs(d))}"
    if cell.percent is not None:
        text += f" ({cell.percent:+.1f}%)"
    return text


# -- rendering ------------------------------------------------------------------

def render(comparison, color=False):
    c = comparison
    out = []
    _header(c, out, color)
    for section in c.sections:
        _section(section, c, out, color)
    _texts(c, out, color)
    if c.year_over_year:
        _yoy(c, out, color)
    _summary(c, out)
    return "\n".join(out) + "\n"


def _header(c, out, color):
    old, new = c.old, c.new
    out.append(paint("比较两份报告", "bold", color))
    out.append(f"{INDENT}旧：{inert(old.file)}  {inert(old.agency)} {old.year} 年度  {old.form.name}")
    out.append(f"{INDENT}新：{inert(new.file)}  {inert(new.agency)} {new.year} 年度  {new.form.name}")
    yoy = "是" if c.year_over_year else "否"
    out.append(f"{INDENT}逐年对照：{yoy}    格式：{'相同' if c.same_edition else '不同'}")
    for f in c.identity:
        if f.changed and f.key not in ("form", "agency", "year"):
            out.append(f"{INDENT}{f.label}：{value_text(f.old)} -> {value_text(f.new)}")
    out.append("说明：")
    for note in c.notes:
        out.append(f"{INDENT}- {inert(note)}")
    out.append("")


def _label_tail(cell, section_title):
    path = list(cell.label_path)
    if path and path[0] == section_title:
        path = path[1:]
    return inert(SEP.join(path))


def _section(section, c, out, color):
    changed = len(section.changed_cells)
    if not section.comparable:
        head = f"{section.title}（格式不同，不逐格比较{f'；{changed} 格不同' if changed else ''}）"
    else:
        head = f"{section.title}（{changed} 格不同）" if changed else f"{section.title}（无不同）"
    out.append(paint(head, "bold", color))
    if section.note and section.comparable:
        out.append(f"{INDENT}注：{inert(section.note)}")
    for row in section.rows:
        if not row.changed:
            continue
        if row.note:
            out.append(f"{INDENT}注：{inert(row.note)}")
        for cell in row.changed_cells:
            label = _label_tail(cell, section.title)
            out.append(f"{INDENT}{paint(label, 'bold', color)}")
            if cell.old_address and cell.old_address == cell.new_address:
                out.append(f"{INDENT * 3}{inert(cell.old_address)}    {value_text(cell.old)} -> {value_text(cell.new)}"
                           f"    {delta_text(cell)}")
            else:
                out.append(f"{INDENT * 3}旧 {inert(cell.old_where or '（无此格）')} = {value_text(cell.old)}")
                out.append(f"{INDENT * 3}新 {inert(cell.new_where or '（无此格）')} = {value_text(cell.new)}")
                out.append(f"{INDENT * 3}{delta_text(cell)}")
    _side_rows(section, c, out, color)
    out.append("")


def _side_rows(section, c, out, color):
    """Rows only one report has (its edition's own rows, or a table the other lacks), listed compactly."""
    for side, report, name in (("old", c.old, "旧"), ("new", c.new, "新")):
        rows = [r for r in section.rows if r.side == side]
        if not rows:
            continue
        out.append(f"{INDENT}{paint(f'仅{name}报告（{report.form.name}）有', 'dim', color)}：")
        for r in rows:
            values = "，".join(f"{cell.column} {value_text(cell.old if side == 'old' else cell.new)}"
                              for cell in r.cells)
            label = r.label.removesuffix(f"（{report.form.name}）")
            out.append(f"{INDENT * 2}{inert(r.address)}  {inert(label)}：{values}")


def _markup(ops, color):
    parts = []
    last = len(ops) - 1
    for k, (op, text) in enumerate(ops):
        text = inert(text, multiline=True)  # narrative keeps its line breaks, nothing else
        if op == DELETE:
            parts.append(paint(f"{DELETE_MARKS[0]}{text}{DELETE_MARKS[1]}", "delete", color))
        elif op == INSERT:
            parts.append(paint(f"{INSERT_MARKS[0]}{text}{INSERT_MARKS[1]}", "insert", color))
        else:
            parts.append(elide(text, CONTEXT, keep_head=k > 0, keep_tail=k < last))
    return "".join(parts)


def _texts(c, out, color):
    out.append(paint("叙述部分（[-删除-] {+新增+}，相似度 = 新文字已见于旧文字的比例）", "bold", color))
    if not c.texts:
        out.append(f"{INDENT}两份报告都没有 [text] 叙述内容")
    for t in c.texts:
        head = f"{INDENT}{paint(inert(t.label), 'bold', color)}  {inert(t.address)}"
        if t.old is None:
            out.append(f"{head}  仅新报告有（{len(t.new)} 字）")
        elif t.new is None:
            out.append(f"{head}  仅旧报告有（{len(t.old)} 字）")
        else:
            info = f"相似度 {t.percent}%"
            if t.copied:
                info += "  " + paint("! 内容雷同", "warning", color)
            if not t.changed:
                out.append(f"{head}  {info}  文字相同")
                continue
            deleted, inserted = diff_stats(t.ops)
            out.append(f"{head}  {info}  删 {deleted} 字，增 {inserted} 字")
        for line in _markup(t.ops, color).split("\n"):
            out.append(f"{INDENT * 3}{line}" if line.strip() else "")
    out.append("")


def _yoy(c, out, color):
    findings = c.yoy_findings()
    head = f"跨年核对（{c.old.year} 年度与 {c.new.year} 年度）"
    out.append(paint(head + (f"：{len(findings)} 条" if findings else "：未发现问题"), "bold", color))
    for f in findings:
        style = "accepted" if f.accepted else f.severity
        tail = "（已接受）" if f.accepted else ""
        out.append(f"{INDENT}{paint(f.glyph, style, color)} {f.rule}  {inert(f.first)}  {inert(f.message)}{tail}")
    out.append("")


def _summary(c, out):
    counts = "，".join(f"{s.title.split('、')[0]} {len(s.changed_cells)}" for s in c.sections)
    texts = len(c.changed_texts)
    copied = sum(1 for t in c.texts if t.copied)
    line = f"共 {len(c.changed_cells)} 格不同（表{counts}）；叙述部分 {texts} 段有改动"
    if copied:
        line += f"，{copied} 段内容雷同"
    out.append(line + "。")
