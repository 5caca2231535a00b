"""PDF reader (pdfplumber): tables by ruling lines, the text layer for the narrative.

A table's grid comes from its cells' boxes: the distinct x and y edges
(within a small tolerance) are the grid lines, and a cell covers every grid
position inside its box, so merged cells span like HTML's rowspan/colspan.
A PDF without a text layer (a scan) is refused.
"""

import io
import re

from tui.importer.grid import Cell, Refused, Source, Table, build_grid

TOLERANCE = 2.0
_PAGE_NUMBER = re.compile(r"^\s*[-—–－]?\s*\d{1,3}\s*[-—–－]?\s*$")


def _edges(values):
    out = []
    for v in sorted(values):
        if not out or v - out[-1] > TOLERANCE:
            out.append(v)
    return out


def _index(edges, v):
    best, dist = 0, None
    for i, e in enumerate(edges):
        d = abs(e - v)
        if dist is None or d < dist:
            best, dist = i, d
    return best


def _table(found, page_number, table_number):
    boxes = [c for row in found.rows for c in row.cells if c is not None]
    if not boxes:
        return None
    texts = {}
    for row, values in zip(found.rows, found.extract()):
        for box, text in zip(row.cells, values):
            if box is not None:
                texts[box] = text or ""
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for box in dict.fromkeys(boxes):
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        locator = f"page {page_number}, table {table_number}, row {r0 + 1}, column {c0 + 1}"
        cells.append(Cell(texts.get(box, ""), r0, c0, r1 - r0, c1 - c0, locator))
    cells.sort(key=lambda c: (c.row, c.col))
    grid = build_grid(cells, len(ys) - 1, len(xs) - 1)
    return Table(grid, f"page {page_number}, table {table_number}", page_number)


def read_pdf(raw):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise Refused(f"无法打开 PDF 文件：{type(exc).__name__}") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise Refused(f"PDF 文件已损坏，无法读取：{type(exc).__name__}") from None
    lines, tables, chars = [], [], 0
    try:
        with pdf:
            for n, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                if not page.chars:
                    continue
                text = page.extract_text() or ""
                for line in text.splitlines():
                    if not _PAGE_NUMBER.match(line):
                        lines.append(line)
                for k, found in enumerate(page.find_tables(), start=1):
                    t = _table(found, n, k)
                    if t is not None:
                        tables.append(t)
    except Refused:
        raise
    except Exception as exc:
        raise Refused(f"PDF 文件已损坏，无法读取：{type(exc).__name__}") from None
    if chars == 0:
        raise Refused("这个 PDF 没有文字层（可能是扫描件或图片），无法读取其中的表格；"
                      "请向发布机关索取网页、Word（.docx）或可复制文字的 PDF 版本，或先做文字识别（OCR）后再导入")
    return Source("pdf", "", lines, tables, None)
