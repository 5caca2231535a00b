"""HTML5 that prints well: A4, table borders, one report per printed page run.

Self-contained: styles inline in <style>, no scripts, no links, no images,
no fonts fetched. Every file-derived string goes through `esc` (HTML-escaped
after `printable`), so a report file cannot inject markup.
"""

import html

from tui.core.opinion.escape import printable
from tui.core.opinion.model import SUMMARY_COLUMNS

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
html { font-size: 10.5pt; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei",
       "Microsoft YaHei", "SimSun", sans-serif; line-height: 1.5; color: #000; background: #fff; margin: 0;
       padding: 0 4mm; }
h1 { font-size: 16pt; margin: 0 0 8pt 0; }
h2 { font-size: 13pt; margin: 14pt 0 6pt 0; border-bottom: 1px solid #000; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 4pt 0; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; page-break-inside: auto; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #e8e8e8; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.problems td:nth-child(2), table.yoy td:nth-child(2) { width: 27%; }
table.problems td:nth-child(3), table.yoy td:nth-child(3) { width: 22%; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 8.5pt; }
.mark { white-space: nowrap; font-weight: bold; }
.conclusion li { margin: 2pt 0; }
.heading th { width: 7em; }
section.report { break-after: page; page-break-after: always; }
section.report:last-of-type { break-after: auto; page-break-after: auto; }
tr.total td { font-weight: bold; }
@media screen { body { max-width: 210mm; margin: 0 auto; } }
"""


def esc(value):
    """Escaped text; line breaks become <br>."""
    return "<br>".join(html.escape(line, quote=True) for line in printable(value).split("\n"))


def code(value):
    return f"<code>{esc(value)}</code>" if value else ""


def _table(head, rows, cls=None, num=()):
    attr = f' class="{cls}"' if cls else ""
    out = [f"<table{attr}>", "<thead><tr>"
           + "".join(f'<th class="num">{h}</th>' if i in num else f"<th>{h}</th>" for i, h in enumerate(head))
        + "</tr></thead>", "<tbody>"]
    for row in rows:
        cells = []
        for i, c in enumerate(row):
            cells.append(f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


PROBLEM_HEAD = ["问题", "位置", "单元格", "发布值", "应为", "说明"]


def _problem_rows(problems):
    return [[f'<span class="mark">{esc(p.mark)}</span>', esc(p.label), code(p.address), esc(p.published),
             esc(p.expected), esc(p.explanation)] for p in problems]


def _opinion_body(op):
    out = ['<section class="report">', f"<h1>{esc(op.title)}</h1>", '<table class="heading"><tbody>']
    for k, v in op.heading():
        out.append(f"<tr><th>{esc(k)}</th><td>{code(v) if k == '文件' else esc(v)}</td></tr>")
    out += ["</tbody></table>", "<h2>结论</h2>", '<ul class="conclusion">']
    out += [f"<li>{esc(line)}</li>" for line in op.conclusion()]
    out += ["</ul>", "<h2>问题</h2>"]
    if not op.tables:
        out.append("<p>未发现未处理的问题。</p>")
    for t in op.tables:
        out.append(f"<h3>{esc(t.title)}</h3>")
        out += _table(PROBLEM_HEAD, _problem_rows(t.problems), "problems", num=(3, 4))
    out.append("<h2>已接受的问题</h2>")
    if op.accepted:
        out += _table(["位置", "单元格", "问题", "理由", "接受人", "时间"],
                      [[esc(a.label), code(a.address), esc(a.explanation), esc(a.reason), esc(a.user), esc(a.at)]
                       for a in op.accepted], "accepted")
    else:
        out.append("<p>无。</p>")
    out.append("<h2>批注</h2>")
    if op.comments:
        out += _table(["位置", "单元格", "批注", "批注人", "时间"],
                      [[esc(c.label), code(c.address), esc(c.text), esc(c.user), esc(c.at)] for c in op.comments],
                      "comments")
    else:
        out.append("<p>无。</p>")
    out += ["<h2>跨年对照</h2>", f"<p>{esc(op.yoy_line())}</p>"]
    if op.yoy:
        out += _table(PROBLEM_HEAD + ["上年单元格"],
                      [r + ["<br>".join(code(c) for c in p.previous)] for r, p in zip(_problem_rows(op.yoy), op.yoy)],
                      "yoy", num=(3, 4))
    out.append("</section>")
    return out


def _page(title, body):
    return "\n".join(["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
                      f"<title>{esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>", *body,
                      "</body>", "</html>", ""])


def render_opinions(ops):
    """One HTML document; each report on its own pages."""
    title = ops[0].title if len(ops) == 1 else f"审查意见（{len(ops)} 份报告）"
    body = []
    for op in ops:
        body += _opinion_body(op)
    return _page(title, body)


def render_opinion(op):
    return render_opinions([op])


SUMMARY_HEAD = [label for _, label in SUMMARY_COLUMNS]


def render_summary(summary):
    body = ['<section class="report">', f"<h1>{esc(summary.title)}</h1>", f"<p>{esc(summary.totals_line())}</p>"]
    rows = [[esc(r.agency), esc(r.year), esc(r.edition), esc(r.errors), esc(r.warnings), esc(r.accepted),
             esc(r.state_name), esc(r.reviewer), esc(r.date), code(r.file)] for r in summary.rows]
    table = _table(SUMMARY_HEAD, rows, "summary", num=(1, 3, 4, 5))
    t = summary.totals_row()
    total = ('<tr class="total">' + "".join(
        f'<td class="num">{esc(t[k])}</td>' if k in ("year", "errors", "warnings", "accepted") else f"<td>{esc(t[k])}</td>"
        for k in ("agency", "year", "edition", "errors", "warnings", "accepted", "state_name", "reviewer", "date", "file"))
        + "</tr>")
    table.insert(-2, total)  # last row of <tbody>
    body += table
    if summary.invalid:
        body.append("<h2>无法读取的文件</h2>")
        body += _table(["文件", "原因"], [[code(f), esc(e)] for f, e in summary.invalid], "invalid")
    body.append("</section>")
    return _page(summary.title, body)
