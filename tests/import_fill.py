"""Render a report into the official 2021 template (python-docx) or into an HTML page, for tests."""

import copy
import html
import io
import pathlib

DOCS = pathlib.Path(__file__).resolve().parent / "import_docs"


def _get(data, keys):
    for k in keys:
        data = data[k]
    return data


def _set(cell, value):
    cell.text = "" if value is None else str(value)


def fill_template(form, report, *, merge=None):
    """The official blank template filled with `report` (a parsed report dict).
    `merge`: (row key, first column, last column) of table 三 to merge into one cell."""
    import docx

    d = docx.Document(str(DOCS / "template-2021.docx"))
    ident = report["report"]
    paras = d.paragraphs
    paras[0].text = ident["title"]
    texts = iter([report["text"]["overview"], report["text"]["problems"], report["text"]["other"]])
    for p in paras:
        if p.text.startswith("（文字描述"):
            p.text = next(texts)
    t2, t3, t4 = d.tables
    for row in form.active_rows:
        for tr in t2.rows:
            if tr.cells[0].text.strip() == row.label:
                values = report["active"][row.key]
                fields = [f for f in row.fields if f.required]
                if len(fields) == 1:
                    _set(tr.cells[1], values[fields[0].key])
                else:
                    for i, f in enumerate(fields):
                        _set(tr.cells[1 + i], values[f.key])
    for row, tr in zip(form.application_rows, t3.rows[3:]):
        cells = _get(report["applications"], row.keys[1:])
        for i, v in enumerate(cells):
            _set(tr.cells[3 + i], v)
    groups = ("reconsideration", "litigation", "litigation_after_reconsideration")
    for g, key in enumerate(groups):
        for i, v in enumerate(report["appeals"][key]):
            _set(t4.rows[3].cells[g * 5 + i], v)
    if merge:
        key, a, b = merge
        row = next(r for r in form.application_rows if r.key == key)
        tr = t3.rows[3 + form.application_rows.index(row)]
        value = tr.cells[3 + a].text
        merged = tr.cells[3 + a].merge(tr.cells[3 + b])
        merged.text = value
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _td(text, rowspan=1, colspan=1):
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}><p>{html.escape(str(text))}</p></td>"


def render_html(form, report, *, app_order=None, appeal_order=None, appeal_leaf_order=None):
    """An HTML page in the layout of the published pages, columns in the given orders."""
    ident = report["report"]
    out = [f"<html><head><meta charset='utf-8'><title>{html.escape(ident['title'])}</title></head><body>",
           f"<p>一、总体情况</p><p>{html.escape(report['text']['overview'])}</p>",
           "<p>二、主动公开政府信息情况</p><table>"]
    for row in form.active_rows:
        fields = [f for f in row.fields if f.required]
        width = 3
        out.append("<tr>" + _td(row.group, colspan=width + 1) + "</tr>")
        if len(fields) == 1:
            out.append("<tr>" + _td("信息内容") + _td(fields[0].label, colspan=width) + "</tr>")
            out.append("<tr>" + _td(row.label) + _td(report["active"][row.key][fields[0].key], colspan=width)
                       + "</tr>")
        else:
            out.append("<tr>" + _td("信息内容") + "".join(_td(f.label) for f in fields) + "</tr>")
            out.append("<tr>" + _td(row.label) + "".join(_td(report["active"][row.key][f.key]) for f in fields)
                       + "</tr>")
    out.append("</table><p>三、收到和处理政府信息公开申请情况</p><table>")
    cols = form.application_columns
    order = app_order or list(range(len(cols)))
    row1 = [_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
            _td("申请人情况", colspan=len(cols))]
    out.append("<tr>" + "".join(row1) + "</tr>")
    r2, r3, i = [], [], 0
    while i < len(order):
        col = cols[order[i]]
        if col.group:
            j = i
            while j < len(order) and cols[order[j]].group:
                j += 1
            r2.append(_td(col.group, colspan=j - i))
            r3.extend(_td(cols[order[k]].label) for k in range(i, j))
            i = j
        else:
            r2.append(_td(col.label, rowspan=2))
            i += 1
    out.append("<tr>" + "".join(r2) + "</tr><tr>" + "".join(r3) + "</tr>")
    for row in form.application_rows:
        cells = _get(report["applications"], row.keys[1:])
        if len(row.path) == 2:
            label = _td(row.path[0]) + _td(row.path[1])
            label = "<td></td>" + label
        else:
            label = _td(row.path[0], colspan=3)
        out.append("<tr>" + label + "".join(_td(cells[k]) for k in order) + "</tr>")
    out.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table>")
    groups = [("reconsideration", ["行政复议"]), ("litigation", ["行政诉讼", "未经复议直接起诉"]),
              ("litigation_after_reconsideration", ["行政诉讼", "复议后起诉"])]
    gorder = appeal_order or [0, 1, 2]
    lorder = appeal_leaf_order or [0, 1, 2, 3, 4]
    leaves = form.appeal_columns
    head1, head2, head3, data = [], [], [], []
    for g in gorder:
        key, path = groups[g]
        if len(path) == 1:
            head1.append(_td(path[0], colspan=5))
            head2.extend(_td(leaves[k].label, rowspan=2) for k in lorder)
        else:
            head1.append(_td(path[0], colspan=5))
            head2.append(_td(path[1], colspan=5))
            head3.extend(_td(leaves[k].label) for k in lorder)
        data.extend(_td(report["appeals"][key][k]) for k in lorder)
    for h in (head1, head2, head3, data):
        out.append("<tr>" + "".join(h) + "</tr>")
    out.append("</table>")
    out.append(f"<p>五、存在的主要问题及改进情况</p><p>{html.escape(report['text']['problems'])}</p>")
    out.append(f"<p>六、其他需要报告的事项</p><p>{html.escape(report['text']['other'])}</p></body></html>")
    return "".join(out).encode("utf-8")


def copy_report(report):
    return copy.deepcopy(report)
