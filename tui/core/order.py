"""Printed order: where a cell stands in the report as a reader meets it.

A report reads 报告信息 (identity), 一 (narrative), 二/三/四 (tables), 五, 六
(narrative), then any extra `[text]` keys. Every address gets a section and a
rank inside it, from the form definition, so documents that list problems
"table by table in printed order" (the review opinion) follow the same order
as the workbench screen does.
"""

from tui.core.address import format_address, parse_address

IDENTITY_KEYS = ("form", "agency", "year", "region", "title", "published", "source")


class Section:
    __slots__ = ("key", "title", "rank")

    def __init__(self, key, title, rank):
        self.key = key
        self.title = title
        self.rank = rank

    def __repr__(self):
        return f"Section({self.key!r}, {self.title!r})"


def sections(form, data=None):
    """The report's sections in printed order: [Section]."""
    text_labels = dict(form.text_keys)
    out = [("report", "报告信息"), ("text.overview", text_labels.get("overview", "一、总体情况")),
           ("active", form.active_label), ("applications", form.applications_label),
           ("appeals", form.appeals_label), ("text.problems", text_labels.get("problems", "五")),
           ("text.other", text_labels.get("other", "六"))]
    text = (data or {}).get("text")
    if isinstance(text, dict):
        for key in text:
            address = format_address(("text", key))
            if key not in text_labels and address not in dict(out):
                out.append((address, key))
    return [Section(k, t, i) for i, (k, t) in enumerate(out)]


def cell_order(form, data=None):
    """{address: rank} of every cell the form prints, in printed order."""
    order = {}

    def add(address):
        order.setdefault(address, len(order))

    for key in IDENTITY_KEYS:
        add(f"report.{key}")
    add("text.overview")
    for row in form.active_rows:
        for field in row.fields:
            add(format_address(("active", row.key, field.key)))
    active = (data or {}).get("active")
    summary = active.get("summary") if isinstance(active, dict) else None
    add("active.summary.total")
    if isinstance(summary, dict) and isinstance(summary.get("categories"), dict):
        for name in summary["categories"]:
            add(format_address(("active", "summary", "categories", name)))
    for rows, cols in ((form.application_rows, form.application_columns), (form.appeal_rows, form.appeal_columns)):
        for row in rows:
            for col in cols:
                add(format_address(row.keys, col.index))
    add("text.problems")
    add("text.other")
    return order


def section_of(address, section_list):
    """The Section an address belongs to (unknown addresses: 报告信息)."""
    by_key = {s.key: s for s in section_list}
    if address:
        try:
            keys = parse_address(address).keys
        except ValueError:
            keys = ()
        if keys:
            if keys[0] == "text" and len(keys) >= 2:
                found = by_key.get(format_address(keys[:2]))
                if found is not None:
                    return found
            found = by_key.get(keys[0])
            if found is not None:
                return found
    return by_key["report"]


def rank_of(address, order):
    """An address's rank; a row or table address ranks at its first cell; unknown last."""
    if address is None:
        return len(order)
    if address in order:
        return order[address]
    for prefix in (address + "[", address + "."):
        for a, rank in order.items():
            if a.startswith(prefix):
                return rank
    return len(order)
