"""What the report screen shows, in the printed order, as plain data.

A report is a sequence of blocks: the identity table, narrative 一, tables
二/三/四, narratives 五/六. A table block has columns and rows; a row is a
heading (printed sub-heading, not selectable) or a row of cells, each cell
an address (or None). Built from the form definition, so a new edition needs
no change here. No Textual import: the compare screen and tests reuse it.
"""

from tui.core.inert import inert
from tui.core.address import MISSING, format_address, get_value


class Row:
    __slots__ = ("label", "indent", "cells", "heading")

    def __init__(self, label, cells=(), indent=0, heading=False):
        self.label = label
        self.indent = indent
        self.cells = list(cells)  # addresses (str) or None, one per column
        self.heading = heading


class TableBlock:
    kind = "table"

    def __init__(self, key, title, columns, rows, caption=None):
        self.key = key
        self.title = title
        self.columns = columns  # [(label, short)]
        self.rows = rows
        self.caption = caption

    def addresses(self):
        return [a for r in self.rows for a in r.cells if a]


class TextBlock:
    kind = "text"

    def __init__(self, key, title, address):
        self.key = key
        self.title = title
        self.address = address

    def addresses(self):
        return [self.address]


def identity_block(form, data):
    ident = data.get("report", {})
    rows = [Row(f.label, [f"report.{f.key}"]) for f in form.identity if f.required or f.shown or f.key in ident]
    return TableBlock("report", "报告信息", [("内容", "内容")], rows)


def active_block(form, data):
    rows = []
    width = max(len(r.fields) for r in form.active_rows)
    group = None
    heads = None
    for row in form.active_rows:
        fields = [f for f in row.fields if f.kind != "unit"]
        labels = tuple(f.label for f in fields)
        if row.group != group or labels != heads:
            group, heads = row.group, labels
            rows.append(Row(row.group or "", list(labels) + [None] * (width - len(labels)), heading=True))
        cells = [format_address(("active", row.key, f.key)) for f in fields]
        rows.append(Row(row.label, cells + [None] * (width - len(cells)), indent=1))
    active = data.get("active")
    summary = active.get("summary") if isinstance(active, dict) else None
    if isinstance(summary, dict):
        labels = form.summary_labels
        rows.append(Row(labels.get("label", "正文所述"), [labels.get("total_label", "总数")] + [None] * (width - 1),
                        heading=True))
        if "total" in summary:
            rows.append(Row(labels.get("total_label", "总数"), ["active.summary.total"] + [None] * (width - 1), indent=1))
        cats = summary.get("categories")
        if isinstance(cats, dict):
            for name in cats:
                rows.append(Row(name, [format_address(("active", "summary", "categories", name))]
                                + [None] * (width - 1), indent=2))
    columns = [(f"字段{i + 1}", f"{i + 1}") for i in range(width)]
    return TableBlock("active", form.active_label, columns, rows)


def applications_block(form):
    rows = []
    seen_heads = set()
    for row in form.application_rows:
        path = row.path
        if row.role in ("outcome", "outcome_total") and form.outcome_heading not in seen_heads:
            seen_heads.add(form.outcome_heading)
            rows.append(Row(form.outcome_heading, heading=True))
        for depth, head in enumerate(path[:-1]):
            if head not in seen_heads:
                seen_heads.add(head)
                rows.append(Row(head, indent=1 + depth, heading=True))
        indent = (1 if row.role in ("outcome", "outcome_total") else 0) + len(path) - 1
        cells = [format_address(row.keys, c.index) for c in form.application_columns]
        rows.append(Row(path[-1], cells, indent=indent))
    columns = [(c.label, c.short) for c in form.application_columns]
    caption = ("申请人情况：自然人 │ 法人或其他组织（" + "、".join(c.label for c in form.application_columns if c.group)
               + "）│ 总计")
    return TableBlock("applications", form.applications_label, columns, rows, caption.replace("│", "|"))


def appeals_block(form):
    rows = [Row("：".join(r.path), [format_address(r.keys, c.index) for c in form.appeal_columns])
            for r in form.appeal_rows]
    columns = [(c.label, c.short) for c in form.appeal_columns]
    return TableBlock("appeals", form.appeals_label, columns, rows)


# A hostile file can hold hundreds of thousands of [text] keys (9 MB made the
# workbench build 300,000 widgets: a minute and 1.4 GB before the first
# frame). Real reports have the printed three and rarely one or two more.
MAX_EXTRA_TEXT_BLOCKS = 50


def hidden_text_keys(form, data):
    """How many extra [text] keys report_blocks leaves out."""
    text = data.get("text") if isinstance(data.get("text"), dict) else {}
    extra = sum(1 for key in text if key not in dict(form.text_keys))
    return max(0, extra - MAX_EXTRA_TEXT_BLOCKS)


def report_blocks(form, data):
    """All blocks of a report in printed order (at most MAX_EXTRA_TEXT_BLOCKS extra narrative keys)."""
    text_labels = dict(form.text_keys)
    text = data.get("text") if isinstance(data.get("text"), dict) else {}
    blocks = [identity_block(form, data), TextBlock("overview", text_labels["overview"], "text.overview"),
              active_block(form, data), applications_block(form), appeals_block(form),
              TextBlock("problems", text_labels["problems"], "text.problems"),
              TextBlock("other", text_labels["other"], "text.other")]
    extra = 0
    for key in text:  # extra narrative keys, after the printed six
        if key not in text_labels:
            extra += 1
            if extra > MAX_EXTRA_TEXT_BLOCKS:
                break
            blocks.append(TextBlock(key, key, format_address(("text", key))))
    return blocks


def cell_value(data, address):
    """The value at an address string, or MISSING."""
    from tui.core.address import parse_address

    try:
        return get_value(data, parse_address(address))
    except ValueError:
        return MISSING


def display_value(value):
    """A cell's value as shown in a table: narrow, unambiguous-width text."""
    if value is MISSING:
        return "缺"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else str(value)
    if isinstance(value, str):
        if value == "":
            return "空"
        return inert(value).replace("—", "-").replace("…", "...")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
