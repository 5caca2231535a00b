"""HTML reader (lxml): tables with rowspan/colspan, narrative blocks, <title>, <meta> dates."""

import datetime
import re

from tui.importer.grid import Cell, Refused, Source, Table, build_grid

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "br", "tr",
          "center", "blockquote", "ul", "ol", "header", "footer", "pre", "table", "dd", "dt", "td", "th"}
_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
              "dc.date.issued", "publishtime", "releasedate")


def decode(raw):
    """Text of an HTML page: the <meta> charset if declared, else UTF-8, else GB18030."""
    m = _CHARSET.search(raw[:4096])
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"):
            name = "gb18030"
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _tag(el):
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _span(el, name):
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or "1"), 1000))
    except ValueError:
        return 1


def _rows_of(table):
    rows = []
    for child in table:
        t = _tag(child)
        if t == "tr":
            rows.append(child)
        elif t in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if _tag(c) == "tr")
    return rows


def _cell_text(td):
    parts = []

    def walk(el):
        t = _tag(el)
        if t in ("script", "style"):
            return
        if t in _BLOCK and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if el.text and t not in ("script", "style"):
            parts.append(el.text)
        for c in el:
            walk(c)
            if c.tail:
                parts.append(c.tail)
    walk(td)
    return "".join(parts).strip()


def _table(tree, table, number):
    cells, occupied = [], set()
    rows = _rows_of(table)
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            rs = min(rs, len(rows) - r)
            cell = Cell(_cell_text(td), r, c, rs, cs, tree.getpath(td))
            cells.append(cell)
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    occupied.add((i, j))
            c += cs
            width = max(width, c)
    return Table(build_grid(cells, len(rows), width), tree.getpath(table))


def _lines(body, skip):
    lines, cur = [], []

    def flush():
        text = "".join(cur).strip()
        if text:
            lines.append(text)
        cur.clear()

    def walk(el):
        t = _tag(el)
        if t in ("script", "style", "head", "title"):
            return
        if t == "table" and el in skip:
            flush()
            return
        block = t in _BLOCK
        if block:
            flush()
        if el.text:
            cur.append(el.text)
        for c in el:
            walk(c)
            if c.tail:
                cur.append(c.tail)
        if block:
            flush()
    walk(body)
    flush()
    return lines


def _published(root):
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _DATE_META:
            m = re.search(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", meta.get("content") or "")
            if m:
                try:
                    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    return None
    return None


def read_html(raw):
    import lxml.etree
    import lxml.html

    text = decode(raw)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise Refused(f"无法解析网页：{exc}") from None
    tree = root.getroottree()
    title_el = root.find(".//title")
    title = (title_el.text_content() if title_el is not None else "").strip()
    tables, elements = [], set()
    for table in root.iter("table"):
        if any(_tag(a) == "table" for a in table.iterancestors()):
            continue  # layout tables nest the data tables; read the innermost ones
        inner = [t for t in table.iter("table") if t is not table]
        if inner:
            continue
        tables.append(_table(tree, table, len(tables) + 1))
        elements.add(table)
    body = root.find("body")
    lines = _lines(body if body is not None else root, elements)
    return Source("html", title, lines, tables, _published(root))
