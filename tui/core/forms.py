"""Form definitions: one data file per national edition under `forms/`.

A form says which rows and columns each section has, how they are printed,
what kind each cell is, and which rules apply. The rules themselves are
generic; they take everything edition-specific from here, so the next
national format is a new data file.
"""

import os
import tomllib

from tui.core.address import Address, parse_address

_FORMS_DIR = os.path.join(os.path.dirname(__file__), "forms")
_SEP = " › "
# Data files beside the forms that are not forms themselves.
NOT_FORMS = frozenset({"claims.toml"})


class Column:
    __slots__ = ("index", "label", "short", "group", "total")

    def __init__(self, index, spec):
        self.index = index
        self.label = spec["label"]
        self.short = spec.get("short", self.label)  # for narrow column heads
        self.group = spec.get("group")
        self.total = bool(spec.get("total", False))


class TableRow:
    """A row of table 三 or 四: an array of count cells."""

    __slots__ = ("key", "keys", "label", "path", "role", "section")

    def __init__(self, section, spec):
        self.section = section
        self.key = spec["key"]
        self.keys = (section,) + tuple(spec["key"].split("."))
        self.label = spec["label"]
        self.path = tuple(spec["path"])
        self.role = spec.get("role")

    @property
    def address(self):
        return Address(self.keys)


class Field:
    __slots__ = ("key", "label", "kind", "required", "choices", "default")

    def __init__(self, spec):
        self.key = spec["key"]
        self.label = spec["label"]
        self.kind = spec["kind"]
        self.required = spec.get("required", True)
        self.choices = tuple(spec.get("choices", ()))
        self.default = spec.get("default")


class ActiveRow:
    """A row of table 二: an inline table of named fields."""

    __slots__ = ("key", "label", "group", "fields", "field_map")

    def __init__(self, spec):
        self.key = spec["key"]
        self.label = spec["label"]
        self.group = spec.get("group")
        self.fields = tuple(Field(f) for f in spec["fields"])
        self.field_map = {f.key: f for f in self.fields}

    def has(self, *names):
        return all(n in self.field_map for n in names)


class Form:
    """One national edition of the report format."""

    def __init__(self, spec):
        self.id = spec["id"]
        self.name = spec["name"]
        self.title = spec["title"]
        self.issued_by = spec["issued_by"]
        self.first_year = spec["first_year"]
        self.last_year = spec.get("last_year")
        self.rules = frozenset(spec["rules"])
        self.sections = dict(spec["sections"])
        self.text_keys = tuple((t["key"], t["label"]) for t in spec["text"]["keys"])
        act = spec["active"]
        self.active_label = act["label"]
        self.active_rows = tuple(ActiveRow(r) for r in act["rows"])
        self.active_map = {r.key: r for r in self.active_rows}
        self.summary_labels = {k: v for k, v in act["summary"].items()}
        app = spec["applications"]
        self.applications_label = app["label"]
        self.outcome_heading = app["outcome_heading"]
        self.application_columns = tuple(Column(i, c) for i, c in enumerate(app["columns"]))
        self.application_rows = tuple(TableRow("applications", r) for r in app["rows"])
        ap = spec["appeals"]
        self.appeals_label = ap["label"]
        self.appeal_columns = tuple(Column(i, c) for i, c in enumerate(ap["columns"]))
        self.appeal_rows = tuple(TableRow("appeals", r) for r in ap["rows"])
        self._rows_by_keys = {r.keys: r for r in self.application_rows + self.appeal_rows}

    def rows_with_role(self, role):
        return [r for r in self.application_rows if r.role == role]

    def table_row(self, keys):
        return self._rows_by_keys.get(tuple(keys))

    # -- printed labels -------------------------------------------------

    def label_path(self, address):
        """Printed labels naming a cell, outermost first; [] if unknown."""
        if isinstance(address, str):
            try:
                address = parse_address(address)
            except ValueError:
                return []
        keys, index = address.keys, address.index
        if not keys:
            return []
        head = keys[0]
        if head in ("applications", "appeals"):
            row = self._rows_by_keys.get(keys)
            section = self.applications_label if head == "applications" else self.appeals_label
            if row is None:
                return [section]
            path = [section, *row.path]
            if index is not None:
                cols = self.application_columns if head == "applications" else self.appeal_columns
                if index < len(cols):
                    col = cols[index]
                    if col.group:
                        path.append(col.group)
                    path.append(col.label)
            return path
        if head == "active":
            path = [self.active_label]
            if len(keys) >= 2 and keys[1] == "summary":
                path.append(self.summary_labels.get("label", "summary"))
                if len(keys) >= 3:
                    if keys[2] == "total":
                        path.append(self.summary_labels.get("total_label", "total"))
                    elif keys[2] == "categories":
                        path.append(self.summary_labels.get("categories_label", "categories"))
                        path.extend(keys[3:4])
                return path
            row = self.active_map.get(keys[1]) if len(keys) >= 2 else None
            if row is None:
                return path + list(keys[1:2])
            path.append(row.label)
            if len(keys) >= 3:
                field = row.field_map.get(keys[2])
                path.append(field.label if field else keys[2])
            return path
        if head == "text":
            labels = dict(self.text_keys)
            return [labels.get(keys[1], keys[1])] if len(keys) >= 2 else ["叙述部分"]
        if head == "report":
            names = {"form": "报告格式", "agency": "发布机关", "year": "报告年度", "region": "地区",
                     "title": "标题", "source": "来源", "published": "发布日期",
                     "level": "报告级别"}
            return ["报告信息"] + ([names.get(keys[1], keys[1])] if len(keys) >= 2 else [])
        return [str(address)]

    def label(self, address):
        return _SEP.join(self.label_path(address))

    def short_label(self, address):
        """A compact label for messages: the row's short label and the column."""
        if isinstance(address, str):
            address = parse_address(address)
        keys, index = address.keys, address.index
        row = self._rows_by_keys.get(keys)
        if row is not None:
            if index is None:
                return row.label
            cols = self.application_columns if keys[0] == "applications" else self.appeal_columns
            col = cols[index].label if index < len(cols) else f"第{index + 1}列"
            return f"{row.label}（{col}）"
        path = self.label_path(address)
        return "·".join(path[1:]) if len(path) > 1 else (path[0] if path else str(address))


_FORMS = None


def all_forms():
    """Every known form, oldest edition first."""
    global _FORMS
    if _FORMS is None:
        forms = []
        for name in sorted(os.listdir(_FORMS_DIR)):
            if name.endswith(".toml") and name not in NOT_FORMS:
                with open(os.path.join(_FORMS_DIR, name), "rb") as fh:
                    forms.append(Form(tomllib.load(fh)))
        forms.sort(key=lambda f: f.first_year)
        _FORMS = {f.id: f for f in forms}
    return list(_FORMS.values())


def get_form(form_id):
    """The form with this id, or None."""
    if _FORMS is None:
        all_forms()
    return _FORMS.get(form_id)


def form_for_year(year):
    """The form a report for `year` must use."""
    forms = all_forms()
    chosen = forms[0]
    for f in forms:
        if year >= f.first_year:
            chosen = f
    return chosen


def form_by_edition(edition):
    """`2019` or `2021` (the edition year as given on the command line) → Form or None."""
    for f in all_forms():
        if f.id.rsplit("/", 1)[-1] == str(edition):
            return f
    return None
