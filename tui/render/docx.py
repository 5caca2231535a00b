"""DOCX (the format agencies edit), with real Word tables, from the opinion
model of tui.core.opinion. Needs python-docx, imported only here (and only
when a DOCX is asked for), so nothing else pays for it."""

import io

from tui.core.opinion.escape import printable
from tui.core.opinion.model import SUMMARY_COLUMNS

FONT = "宋体"  # East Asian font Word falls back to on every Chinese Windows


def _xml_safe(value):
    """`printable` already shows control characters as escapes; XML 1.0 also forbids none else."""
    return printable(value)


def _document():
    from docx import Document
    from docx.enum.section import WD_ORIENT  # noqa: F401 - import checks python-docx is whole
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(16))
    section.top_margin, section.bottom_margin = Mm(18), Mm(18)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    return doc


def _table(doc, head, rows):
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _xml_safe(text)
    doc.add_paragraph()
    return table


PROBLEM_HEAD = ["问题", "位置", "单元格", "发布值", "应为", "说明"]


def _problem_rows(problems):
    return [[p.mark, p.label, p.address, p.published, p.expected, p.explanation] for p in problems]


def _add_opinion(doc, op):
    doc.add_heading(_xml_safe(op.title), level=1)
    _table(doc, ["项目", "内容"], [[k, v] for k, v in op.heading()])
    doc.add_heading("结论", level=2)
    for line in op.conclusion():
        doc.add_paragraph(_xml_safe(line), style="List Bullet")
    doc.add_heading("问题", level=2)
    if not op.tables:
        doc.add_paragraph("未发现未处理的问题。")
    for t in op.tables:
        doc.add_heading(_xml_safe(t.title), level=3)
        _table(doc, PROBLEM_HEAD, _problem_rows(t.problems))
    doc.add_heading("已接受的问题", level=2)
    if op.accepted:
        _table(doc, ["位置", "单元格", "问题", "理由", "接受人", "时间"],
               [[a.label, a.address, a.explanation, a.reason, a.user, a.at] for a in op.accepted])
    else:
        doc.add_paragraph("无。")
    doc.add_heading("批注", level=2)
    if op.comments:
        _table(doc, ["位置", "单元格", "批注", "批注人", "时间"],
               [[c.label, c.address, c.text, c.user, c.at] for c in op.comments])
    else:
        doc.add_paragraph("无。")
    doc.add_heading("跨年对照", level=2)
    doc.add_paragraph(_xml_safe(op.yoy_line()))
    if op.yoy:
        _table(doc, PROBLEM_HEAD + ["上年单元格"],
               [r + ["\n".join(p.previous)] for r, p in zip(_problem_rows(op.yoy), op.yoy)])


def _bytes(doc):
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_opinions(ops):
    """One .docx (bytes); each report starts on a new page."""
    doc = _document()
    for i, op in enumerate(ops):
        if i:
            doc.add_page_break()
        _add_opinion(doc, op)
    return _bytes(doc)


SUMMARY_HEAD = [label for _, label in SUMMARY_COLUMNS]


def render_summary(summary):
    from docx.enum.section import WD_ORIENT

    doc = _document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(_xml_safe(summary.title), level=1)
    doc.add_paragraph(_xml_safe(summary.totals_line()))
    rows = [[r.agency, str(r.year), r.edition, str(r.errors), str(r.warnings), str(r.accepted), r.state_name,
             r.reviewer, r.date, r.file] for r in summary.rows]
    t = summary.totals_row()
    rows.append([str(t[k]) for k in ("agency", "year", "edition", "errors", "warnings", "accepted", "state_name",
                                     "reviewer", "date", "file")])
    _table(doc, SUMMARY_HEAD, rows)
    if summary.invalid:
        doc.add_heading("无法读取的文件", level=2)
        _table(doc, ["文件", "原因"], [[f, e] for f, e in summary.invalid])
    return _bytes(doc)
