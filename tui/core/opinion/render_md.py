"""Markdown (GitHub-flavoured tables) for mail and git.

Every file-derived string is escaped: Markdown punctuation gets a backslash
(so a comment cannot become a link, emphasis or raw HTML), `|` cannot end a
table cell and a line break inside a cell becomes `<br>`. Cell addresses are
code spans.
"""

from tui.core.opinion.escape import one_line, printable
from tui.core.opinion.model import SUMMARY_COLUMNS

_SPECIAL = set("\\`*_[]<>|~&")


def text(value):
    """Inline Markdown text: punctuation escaped, line breaks as spaces."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in one_line(value))


def cell(value):
    """A table cell: like `text`, but a line break is kept as `<br>`."""
    lines = printable(value).split("\n")
    return "<br>".join("".join("\\" + ch if ch in _SPECIAL else ch for ch in line) for line in lines)


def code(value):
    """A code span (an address, a file): backticks fenced, `|` escaped for tables."""
    s = one_line(value)
    if not s:
        return ""
    run = longest = 0
    for ch in s:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s.replace('|', chr(92) + '|')}{pad}{fence}"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    out.extend("| " + " | ".join(r) + " |" for r in rows)
    return out


def _problem_rows(problems):
    return [[p.mark, cell(p.label), code(p.address), cell(p.published), cell(p.expected), cell(p.explanation)]
            for p in problems]


PROBLEM_HEAD = ["问题", "位置", "单元格", "发布值", "应为", "说明"]


def render_opinion(op):
    out = [f"# {text(op.title)}", ""]
    out += table(["项目", "内容"], [[k, code(v) if k in ("文件",) else cell(v)] for k, v in op.heading()])
    out += ["", "## 结论", ""]
    out += [f"- {text(line)}" for line in op.conclusion()]
    out += ["", "## 问题", ""]
    if not op.tables:
        out += ["未发现未处理的问题。", ""]
    for t in op.tables:
        out += [f"### {text(t.title)}", ""]
        out += table(PROBLEM_HEAD, _problem_rows(t.problems))
        out.append("")
    out += ["## 已接受的问题", ""]
    if op.accepted:
        out += table(["位置", "单元格", "问题", "理由", "接受人", "时间"],
                     [[cell(a.label), code(a.address), cell(a.explanation), cell(a.reason), cell(a.user), cell(a.at)]
                      for a in op.accepted])
    else:
        out.append("无。")
    out += ["", "## 批注", ""]
    if op.comments:
        out += table(["位置", "单元格", "批注", "批注人", "时间"],
                     [[cell(c.label), code(c.address), cell(c.text), cell(c.user), cell(c.at)] for c in op.comments])
    else:
        out.append("无。")
    out += ["", "## 跨年对照", "", text(op.yoy_line())]
    if op.yoy:
        out.append("")
        out += table(PROBLEM_HEAD + ["上年单元格"],
                     [r + ["<br>".join(code(c) for c in p.previous)]
                      for r, p in zip(_problem_rows(op.yoy), op.yoy)])
    out.append("")
    return "\n".join(out)


def render_opinions(ops):
    """Several opinions in one Markdown document, separated by a rule."""
    return "\n---\n\n".join(render_opinion(op) for op in ops)


SUMMARY_HEAD = [label for _, label in SUMMARY_COLUMNS]


def render_summary(summary):
    out = [f"# {text(summary.title)}", "", text(summary.totals_line()), ""]
    rows = [[cell(r.agency), str(r.year), cell(r.edition), str(r.errors), str(r.warnings), str(r.accepted),
             cell(r.state_name), cell(r.reviewer), cell(r.date), code(r.file)] for r in summary.rows]
    t = summary.totals_row()
    rows.append([f"**{t['agency']}**", "", cell(t["edition"]), f"**{t['errors']}**", f"**{t['warnings']}**",
                 f"**{t['accepted']}**", cell(t["state_name"]), "", "", ""])
    out += table(SUMMARY_HEAD, rows)
    if summary.invalid:
        out += ["", "## 无法读取的文件", ""]
        out += table(["文件", "原因"], [[code(f), cell(e)] for f, e in summary.invalid])
    out.append("")
    return "\n".join(out)
