"""Form definitions: one data file per national edition under `forms/`.

A form says which rows and columns each section has, how they are printed,
what kind each cell is, and which rules apply. The rules themselves are
generic; they take everything edition-specific from here, so the next
national format is a new data file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from tui.core import formcache, tomlparse
from tui.core.address import Address, format_address, parse_address, quote_key
from tui.core.readfile import Unreadable

_FORMS_DIR = os.path.join(os.path.dirname(__file__), "forms")
_SEP = " › "
# Data files beside the forms that are not forms themselves.
NOT_FORMS = frozenset({"claims.toml"})

# Extra folders of form files (`*.toml`), separated like PATH: a new national
# format is one data file in such a folder (or in tui/core/forms/).
FORMS_PATH_ENV = "NIANBAO_FORMS"

# Cell kinds: what a cell holds and how it is edited (tui.core.cells parses input).
COUNT, CHANGE, AMOUNT, UNIT, TEXT, STRING, YEAR, DATE, FIXED, LEVEL = (
    "count", "change", "amount", "unit", "text", "string", "year", "date", "fixed", "level")
# report.level (FORMAT.md §1): value → what the workbench and messages call it.
LEVELS = {"government": "本级政府", "department": "部门"}
# The value a key the file lacks gets when it is added (a blank row's cells).
DEFAULTS = {COUNT: 0, CHANGE: 0, AMOUNT: 0, UNIT: "元"}


class FormError(ValueError):
    """A form file that cannot be used; the message names the file."""


class Column:
    __slots__ = ("index", "label", "short", "group", "total", "kind", "aliases")

    def __init__(self, index, spec):
        self.index = index
        self.label = spec["label"]
        self.short = spec.get("short", self.label)  # for narrow column heads
        self.group = spec.get("group")
        self.total = bool(spec.get("total", False))
        self.kind = spec.get("kind", COUNT)
        # Other words published reports head this column with (the importer's fallback, e.g. 合计 for 总计).
        self.aliases = tuple(spec.get("aliases", ()))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the column is printed with: label, short name, aliases."""
        return tuple(dict.fromkeys((self.label, self.short, *self.aliases)))


class TableRow:
    """A row of table 三 or 四: an array of count cells."""

    __slots__ = ("key", "keys", "label", "short", "brief", "path", "role", "section", "address_text",
                 "cell_addresses")

    def __init__(self, section, spec):
        self.section = section
        self.key = spec["key"]
        self.keys = (section,) + tuple(spec["key"].split("."))
        self.label = spec["label"]
        self.short = spec.get("short", self.label)  # the printed number messages use, e.g. 三（七）
        self.brief = spec.get("brief", self.label)  # the row named in a sentence, e.g. 二、上年结转
        self.path = tuple(spec["path"])
        self.role = spec.get("role")
        self.address_text = format_address(self.keys)
        self.cell_addresses = ()  # set by Table: the address of each cell, formatted once

    @property
    def address(self):
        return Address(self.keys)


class Field:
    __slots__ = ("key", "label", "kind", "required", "choices", "default", "shown")

    def __init__(self, spec, required=True):
        self.key = spec["key"]
        self.label = spec["label"]
        self.kind = spec["kind"]
        self.required = spec.get("required", required)
        self.choices = tuple(spec.get("choices", ()))
        self.default = spec.get("default")
        # An optional identity field the workbench lists even when the file
        # lacks it, so that a reviewer can add it.
        self.shown = bool(spec.get("shown", False))


class Table:
    """Table 三 or 四 as the rules and the editor see it: rows of equal width."""

    __slots__ = ("key", "label", "short", "columns", "rows", "width", "total_index", "part_indexes")

    def __init__(self, key, spec):
        self.key = key
        self.label = spec["label"]
        self.short = spec.get("short", self.label.split("、", 1)[0])
        self.columns = tuple(Column(i, c) for i, c in enumerate(spec["columns"]))
        self.rows = tuple(TableRow(key, r) for r in spec["rows"])
        self.width = len(self.columns)
        for row in self.rows:
            row.cell_addresses = tuple(f"{row.address_text}[{i}]" for i in range(self.width))  # format_address's
        totals = [c.index for c in self.columns if c.total]
        # The row-total rule: the total column equals the sum of the others.
        self.total_index = totals[-1] if totals else None
        self.part_indexes = tuple(c.index for c in self.columns if not c.total)

    def blank_row(self) -> list:
        """The cells of a row added to a file that lacks it."""
        return [DEFAULTS.get(c.kind, "") for c in self.columns]


class ActiveRow:
    """A row of table 二: an inline table of named fields."""

    __slots__ = ("key", "label", "group", "fields", "field_map", "address_text", "field_addresses")

    def __init__(self, spec):
        self.key = spec["key"]
        self.label = spec["label"]
        self.group = spec.get("group")
        self.fields = tuple(Field(f) for f in spec["fields"])
        self.field_map = {f.key: f for f in self.fields}
        self.address_text = format_address(("active", self.key))
        self.field_addresses = {f.key: f"{self.address_text}.{quote_key(f.key)}" for f in self.fields}

    def has(self, *names: str) -> bool:
        return all(n in self.field_map for n in names)


class Form:
    """One national edition of the report format."""

    def __init__(self, spec):
        self.id = spec["id"]
        self.edition = spec.get("edition", self.id.rsplit("/", 1)[-1])  # `new --form EDITION`
        self.name = spec["name"]
        self.title = spec["title"]
        self.issued_by = spec["issued_by"]
        self.first_year = spec["first_year"]
        self.last_year = spec.get("last_year")
        self.rules = frozenset(spec["rules"])
        self.sections = dict(spec["sections"])
        self.identity = tuple(Field(f, required=False) for f in spec["identity"])
        self.identity_map = {f.key: f for f in self.identity}
        self.text_keys = tuple((t["key"], t["label"]) for t in spec["text"]["keys"])
        act = spec["active"]
        self.active_label = act["label"]
        self.active_rows = tuple(ActiveRow(r) for r in act["rows"])
        self.active_map = {r.key: r for r in self.active_rows}
        self.summary_labels = {k: v for k, v in act["summary"].items()}
        self.tables = {key: Table(key, spec[key]) for key in ("applications", "appeals")}
        app, ap = self.tables["applications"], self.tables["appeals"]
        self.applications_label = app.label
        self.outcome_heading = spec["applications"]["outcome_heading"]
        # Printed above the applicant columns of table 三 (e.g. 申请人情况); None when the form has none.
        self.column_heading = spec["applications"].get("column_heading")
        self.application_columns = app.columns
        self.application_rows = app.rows
        self.appeals_label = ap.label
        self.appeal_columns = ap.columns
        self.appeal_rows = ap.rows
        self._rows_by_keys = {r.keys: r for r in self.application_rows + self.appeal_rows}
        self._roles = {}
        for r in self.application_rows:
            self._roles.setdefault(r.role, []).append(r)

    def rows_with_role(self, role: str | None) -> list[TableRow]:
        return list(self._roles.get(role, ()))

    def role_row(self, role: str) -> TableRow:
        """The one row of table 三 with this role (FormError if not exactly one)."""
        rows = self._roles.get(role, ())
        if len(rows) != 1:
            raise FormError(f"{self.id}：表三应恰有一行 role = {role!r}，实有 {len(rows)} 行")
        return rows[0]

    def table_row(self, keys) -> TableRow | None:
        return self._rows_by_keys.get(tuple(keys))

    # -- cells ------------------------------------------------------------

    def cell_kind(self, address) -> str:
        """What an address's value is (COUNT, TEXT, DATE, ...), for editing and defaults."""
        a = parse_address(address) if isinstance(address, str) else address
        keys = a.keys
        head = keys[0] if keys else ""
        if head in self.tables:
            table = self.tables[head]
            if a.index is not None and a.index < table.width:
                return table.columns[a.index].kind
            return COUNT
        if head == "text":
            return TEXT
        if head == "report":
            field = self.identity_map.get(keys[1]) if len(keys) > 1 else None
            return field.kind if field is not None else STRING
        if head == "active":
            if len(keys) >= 2 and keys[1] == "summary":
                return COUNT
            row = self.active_map.get(keys[1]) if len(keys) >= 2 else None
            field = row.field_map.get(keys[2]) if row is not None and len(keys) >= 3 else None
            if field is not None:
                return field.kind if field.kind in (COUNT, CHANGE, AMOUNT, UNIT) else STRING
        return STRING

    def default_value(self, address):
        """The value a cell the file lacks gets when it is added."""
        return DEFAULTS.get(self.cell_kind(address), "")

    def blank_active_row(self, row_key: str, also: str | None = None) -> dict:
        """A row of table 二 added to a file that lacks it: its required fields (and `also`)."""
        spec = self.active_map[row_key]
        return {f.key: DEFAULTS.get(f.kind, "") for f in spec.fields if f.required or f.key == also}

    def child_order(self, parent) -> tuple | None:
        """Names of the children of table `parent` (a key tuple) in the order of the
        printed form, or None when the form says nothing about that table."""
        parent = tuple(parent)
        head = parent[0] if parent else None
        if parent == ("text",):
            return tuple(key for key, _ in self.text_keys)
        if parent == ("active",):
            return tuple(row.key for row in self.active_rows) + ("summary",)
        if head == "active" and len(parent) == 2:
            row = self.active_map.get(parent[1])
            return tuple(f.key for f in row.fields) if row is not None else None
        if head in self.tables:
            out = []
            for row in self.tables[head].rows:
                if row.keys[:len(parent)] == parent and len(row.keys) > len(parent):
                    if row.keys[len(parent)] not in out:
                        out.append(row.keys[len(parent)])
            return tuple(out) or None
        return None

    # -- printed labels -------------------------------------------------

    def label_path(self, address) -> list[str]:
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
            field = self.identity_map.get(keys[1]) if len(keys) >= 2 else None
            return ["报告信息"] + ([field.label if field else keys[1]] if len(keys) >= 2 else [])
        return [str(address)]

    def label(self, address) -> str:
        return _SEP.join(self.label_path(address))

    def short_label(self, address) -> str:
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


def form_dirs() -> tuple[str, ...]:
    """The folders forms are read from: the shipped one, then $NIANBAO_FORMS's."""
    extra = os.environ.get(FORMS_PATH_ENV, "")
    return (_FORMS_DIR,) + tuple(d for d in extra.split(os.pathsep) if d)


def _load_form(path):
    try:
        # The shipped forms come parsed ahead of time (tui.core.formcache:
        # parsing them was a tenth of a one-file `check`); others are parsed.
        spec = formcache.load(path)
    except Unreadable as exc:
        raise FormError(f"无法读取报告格式文件 {path}：{exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise FormError(f"报告格式文件 {path} 不是 UTF-8 编码：{exc}") from None
    except (tomlparse.TomlError, RecursionError) as exc:
        raise FormError(f"报告格式文件 {path} 不是有效的 TOML：{exc}") from None
    try:
        return Form(spec)
    except KeyError as exc:
        raise FormError(f"报告格式文件 {path} 缺少 {exc.args[0]}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise FormError(f"报告格式文件 {path} 格式错误：{exc}") from None


_CACHE: dict[str, dict[str, Form]] = {}  # by the value of $NIANBAO_FORMS


def _forms() -> dict[str, Form]:
    # Asked several times per report of a batch: keyed by the variable's raw
    # value, found without building the folder list (a tenth of a report's
    # identity check went there).
    key = os.environ.get(FORMS_PATH_ENV, "")
    forms = _CACHE.get(key)
    if forms is None:
        dirs = form_dirs()
        found = []
        for folder in dirs:
            try:
                names = sorted(os.listdir(folder))
            except OSError as exc:
                raise FormError(f"无法读取报告格式文件夹 {folder}（{FORMS_PATH_ENV}）：{exc.strerror or exc}") from None
            for name in names:
                if name.endswith(".toml") and name not in NOT_FORMS:
                    found.append((os.path.join(folder, name), _load_form(os.path.join(folder, name))))
        forms, where = {}, {}
        for path, form in sorted(found, key=lambda pf: pf[1].first_year):
            if form.id in forms:
                raise FormError(f"报告格式 {form.id} 重复定义：{where[form.id]} 与 {path}")
            forms[form.id], where[form.id] = form, path
        editions = {}
        for form in forms.values():
            if form.edition in editions:
                raise FormError(f"报告格式版本 {form.edition} 重复：{editions[form.edition]} 与 {form.id}")
            editions[form.edition] = form.id
        _CACHE[key] = forms
    return forms


def all_forms() -> list[Form]:
    """Every known form, oldest edition first."""
    return list(_forms().values())


def get_form(form_id: str) -> Form | None:
    """The form with this id, or None."""
    return _forms().get(form_id)


def form_for_year(year: int) -> Form:
    """The form a report for `year` must use."""
    forms = all_forms()
    chosen = forms[0]
    for f in forms:
        if year >= f.first_year:
            chosen = f
    return chosen


def form_by_edition(edition) -> Form | None:
    """`2019` or `2021` (the edition as given on the command line) → Form or None."""
    for f in all_forms():
        if f.edition == str(edition):
            return f
    return None


class EditionChoices:
    """The editions `--form` accepts, read from the forms only when asked
    (argparse tests membership and lists them in help and errors), so that
    building the parser costs nothing."""

    def __contains__(self, edition) -> bool:
        return form_by_edition(edition) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([f.edition for f in all_forms()])

    def __len__(self) -> int:
        return len(all_forms())
