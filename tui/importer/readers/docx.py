"""DOCX reader (python-docx for the package, the WordprocessingML tree for the grid).

Merges are read from the XML, not from python-docx's `row.cells` (which
repeats a merged cell's object per position and whose `id()`s lxml reuses):
`w:gridSpan` widens a `<w:tc>`, and a `<w:vMerge/>` without `restart`
continues the cell above, so that position points at the same Cell.
"""

import io

from tui.importer.grid import Cell, Refused, Source, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el, name, default=None):
    if el is None:
        return default
    child = el.find(W + name)
    if child is None:
        return default
    return child.get(W + "val", "") if child is not None else default


def _para_text(p):
    out = []
    for el in p.iter():
        if el.tag == W + "t":
            out.append(el.text or "")
        elif el.tag == W + "tab":
            out.append("\t")
        elif el.tag in (W + "br", W + "cr"):
            out.append("\n")
    return "".join(out)


def _tc_text(tc):
    return "\n".join(_para_text(p) for p in tc.iter(W + "p")).strip()


def _table(tbl, number):
    cells, grid_origin = [], {}
    rows = tbl.findall(W + "tr")
    width = 0
    for r, tr in enumerate(rows):
        trpr = tr.find(W + "trPr")
        c = 0
        before = _val(trpr, "gridBefore")
        if before and before.isdigit():
            c = int(before)
        for k, tc in enumerate(tr.findall(W + "tc")):
            tcpr = tc.find(W + "tcPr")
            span = _val(tcpr, "gridSpan", "1")
            span = int(span) if span and span.isdigit() and int(span) > 0 else 1
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            cont = vmerge is not None and vmerge.get(W + "val", "continue") != "restart"
            above = grid_origin.get((r - 1, c)) if cont else None
            if above is not None:
                above.rowspan = r - above.row + 1
                for j in range(c, c + span):
                    grid_origin[(r, j)] = above
            else:
                cell = Cell(_tc_text(tc), r, c, 1, span, f"table {number}, row {r + 1}, cell {k + 1}")
                cells.append(cell)
                for j in range(c, c + span):
                    grid_origin[(r, j)] = cell
            c += span
        width = max(width, c)
    grid = [[grid_origin.get((r, c)) for c in range(width)] for r in range(len(rows))]
    return Table(grid, f"table {number}")


def read_docx(raw):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise Refused(f"无法打开 Word 文件（.docx）：{exc}") from None
    except Exception as exc:  # zip and XML errors of a damaged file
        raise Refused(f"Word 文件（.docx）已损坏或不是 .docx：{type(exc).__name__}") from None
    body = document.element.body
    lines, tables = [], []

    def walk(parent):
        for el in parent.iterchildren():
            if el.tag == W + "p":
                text = _para_text(el).strip()
                if text:
                    lines.append(text)
            elif el.tag == W + "tbl":
                tables.append(_table(el, len(tables) + 1))
            elif el.tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    walk(content)
    walk(body)
    title = ""
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:
        title = ""
    return Source("docx", title, lines, tables, None)
