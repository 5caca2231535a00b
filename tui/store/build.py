"""Building new TOML documents with comments: a new report, the user's config.

This is where tomlkit is the right tool: a document written from nothing,
where the printed label of every row sits beside it as a comment, and the
user's own config file, where a setting is changed without losing the
comments and order the user gave it. Editing an existing report never goes
through here (tui.store.document and tui.store.insertion splice text).

    build_report(form, data, header=(), missing=None) -> str
        the TOML text of a new report: `data` as tomllib would read it
        (report / text / active / applications / appeals), laid out in the
        order of the printed form, each label as a comment. `nianbao new`
        builds its blank report with it; `nianbao import` builds from what
        it read.
    blank_data(form, agency, year, level=None) -> dict
        the data of a blank report (every count 0, every text "").
    blank_report(form, agency, year, level=None) -> str
        what `nianbao new` writes: build_report of blank_data under blank_header.
    blank_header(form, agency, year, notes=...) -> list[str]
        the comment lines at the top of a new report.
    imported_text(imported) -> str
        the file `nianbao import` writes: build_report of what was read
        (rows not found named in comments), then the §6 import records.
    set_config_value(section, key, value, path=None) -> Outcome
        change one setting of config.toml, keeping everything else.

Comment text is made inert (tui.core.inert): a newline in an agency name
cannot end the comment and write a real key.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tui.core.inert import inert

if TYPE_CHECKING:
    from tui.store.atomic import Outcome

COMMENT_COLUMN = 56  # where row labels start, as in the printed tables
_REPORT_ORDER = ("form", "agency", "region", "year", "level", "title", "published", "source")


def blank_data(form: Any, agency: str, year: int, level: str | None = None) -> dict:
    """The data of a blank report of `form`: identity, empty texts, zeros.
    `level` (FORMAT.md §1 report.level): government or department, or none."""
    report: dict = {"form": form.id, "agency": agency, "year": year}
    if level:
        report["level"] = level
    report["title"] = f"{agency}{year}年政府信息公开工作年度报告"
    data: dict = {
        "report": report,
        "text": {key: "" for key, _ in form.text_keys},
        "active": {row.key: {f.key: 0 for f in row.fields if f.required} for row in form.active_rows},
    }
    for section, rows, columns in (("applications", form.application_rows, form.application_columns),
                                   ("appeals", form.appeal_rows, form.appeal_columns)):
        table = data.setdefault(section, {})
        for row in rows:
            node = table
            for key in row.keys[1:-1]:
                node = node.setdefault(key, {})
            node[row.keys[-1]] = [0] * len(columns)
    return data


def blank_header(form: Any, agency: str, year: int,
                 notes: Iterable[str] = ("由 nianbao new 生成：各数均为 0，请按公开发布的报告逐项填写。",)
                 ) -> list[str]:
    """The comment lines at the top of a new report: whose and which format, then `notes`."""
    return [f"{agency} {year} 年政府信息公开工作年度报告",
            f"格式：{form.title}（{form.issued_by}）", *notes]


def blank_report(form: Any, agency: str, year: int, level: str | None = None) -> str:
    """The text `nianbao new` writes: a blank report of `form`, every count 0."""
    return build_report(form, blank_data(form, agency, year, level), blank_header(form, agency, year))


def imported_text(imported: Any) -> str:
    """The text of the report file `nianbao import` writes (FORMAT.md §6): the
    `new` layout with the values read (a row not found named in a comment,
    never written as 0), then the import record and its flags."""
    from tui.store.signoff import records_text

    header = blank_header(imported.form, imported.agency, imported.year, (
        f"由 nianbao import 从 {imported.source_name} 导入。",
        "标为待核对（review.import.flags）的单元格须与原件逐一核对确认后才能签核通过。"))
    body = build_report(imported.form, imported.data, header, missing="原件中未找到：")
    return body + "\n" + records_text(imported.records)


def _comment(text: str):
    import tomlkit

    return tomlkit.comment(inert(text))


def _value(value: Any):
    """A tomlkit item for a plain value, written as the report files write
    it (`[0, 0]`, `{ amount = 0 }`, multi-line strings for text with line
    breaks): parsed from the text tui.store.insertion writes."""
    import tomlkit

    from tui.store.insertion import value_raw

    return tomlkit.parse(f"x = {value_raw(value)}\n")["x"]


def _add(table, keys: tuple[str, ...], value: Any, label: str | None = None) -> None:
    """Add `a.b = value` (dotted when `keys` has several parts), with
    `# label` starting at COMMENT_COLUMN."""
    import tomlkit

    from tui.store.insertion import value_raw

    key = tomlkit.key(list(keys)) if len(keys) > 1 else keys[0]
    table.add(key, _value(value))
    if label:
        item = table[keys[0]] if len(keys) == 1 else None
        if item is None:  # a dotted key: the comment goes on its leaf
            item = table
            for k in keys:
                item = item[k]
        item.comment(inert(label))
        width = len(f"{tomlkit.key(list(keys)).as_string() if len(keys) > 1 else tomlkit.key(keys[0]).as_string()}"
                    f" = {value_raw(value)}")
        item.trivia.comment_ws = " " * max(COMMENT_COLUMN - width, 2)


def _leaf(values: Mapping, keys: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = values
    for k in keys:
        if not isinstance(node, Mapping) or k not in node:
            return False, None
        node = node[k]
    return True, node


def _rest(values: Mapping, known: set) -> list[tuple[tuple[str, ...], Any]]:
    """Leaves of `values` (as key paths) that no form row names."""
    out = []

    def walk(node, path):
        for k, v in node.items():
            here = path + (k,)
            if here in known:
                continue
            if isinstance(v, Mapping) and any(p[:len(here)] == here for p in known):
                walk(v, here)
            else:
                out.append((here, v))

    walk(values, ())
    return out


def _add_table(doc, name: str, table) -> None:
    """`[name]` right below the comments before it (its printed heading):
    tomlkit would otherwise start a table that follows a comment with a blank line."""
    doc.add(name, table)
    doc[name].trivia.indent = ""


def build_report(form: Any, data: Mapping[str, Any], header: Iterable[str] = (), *,
                 missing: str | None = None) -> str:
    """The TOML text of a new report document (see the module docstring).
    Each section starts with its printed heading as a comment; each row
    carries its printed label. Keys of `data` the form does not know are
    written after the known ones, without a label; tables other than the
    five sections (e.g. `review` records) are left to the caller to append.
    `missing` (e.g. "原件中未找到："): a row of the form absent from `data`
    is named in a comment starting with it instead of being left out silently."""
    import tomlkit

    from tui.core.forms import LEVELS

    doc = tomlkit.document()
    for line in header:
        doc.add(_comment(line))

    report = tomlkit.table()
    ident = dict(data.get("report", {}))
    for key in [k for k in _REPORT_ORDER if k in ident] + [k for k in ident if k not in _REPORT_ORDER]:
        level = ident[key] if key == "level" else None
        _add(report, (key,), ident[key], f"报告级别：{LEVELS[level]}" if level in LEVELS else None)
    doc.add(tomlkit.nl())
    doc.add("report", report)

    text = tomlkit.table()
    given = dict(data.get("text", {}))
    for key, label in form.text_keys:
        if key in given:
            text.add(_comment(label))
            _add(text, (key,), given.pop(key))
    for key, value in given.items():
        _add(text, (key,), value)
    doc.add(tomlkit.nl())
    doc.add("text", text)

    active = tomlkit.table()
    rows = dict(data.get("active", {}))
    for row in form.active_rows:
        value = rows.pop(row.key, None)
        if value is not None and (missing is None or value != {}):
            names = [f.label for f in row.fields if isinstance(value, Mapping) and f.key in value]
            _add(active, (row.key,), value, f"{row.label}：" + "、".join(names))
        elif missing is not None:
            active.add(_comment(missing + row.label))
    for key, value in rows.items():
        _add(active, (key,), value)
    doc.add(tomlkit.nl())
    doc.add(_comment(form.active_label))
    _add_table(doc, "active", active)

    for section, label, columns, form_rows in (
            ("applications", form.applications_label, form.application_columns, form.application_rows),
            ("appeals", form.appeals_label, form.appeal_columns, form.appeal_rows)):
        table = tomlkit.table()
        values = data.get(section, {})
        known = {tuple(row.keys[1:]) for row in form_rows}
        for row in form_rows:
            found, value = _leaf(values, tuple(row.keys[1:]))
            if found:
                _add(table, tuple(row.keys[1:]), value, row.label)
            elif missing is not None:
                table.add(_comment(missing + row.label))
        for keys, value in _rest(values, known):
            _add(table, keys, value)
        doc.add(tomlkit.nl())
        doc.add(_comment(label))
        doc.add(_comment("各列：" + "、".join(c.label for c in columns)))
        _add_table(doc, section, table)
    return tomlkit.dumps(doc)


def set_config_value(section: str, key: str, value: Any, path: str | os.PathLike[str] | None = None) -> Outcome:
    """Set `[section] key = value` in the user's config.toml (created when
    missing), keeping the user's comments, order and other settings; written
    through the one write path. Returns an outcome (Saved, Conflict, Failed)."""
    import tomlkit

    from tui.config import config_path
    from tui.core.readfile import Unreadable, read_regular
    from tui.store.atomic import ConflictError, Failed, Saved, WriteError, create_file, replace_file, state_of

    target = os.fspath(path or config_path())
    try:
        raw, _ = read_regular(target, 1 << 20)
    except Unreadable as exc:
        if not exc.missing:
            return Failed(target, f"配置文件 {inert(target)} 无法读取：{exc.reason}")
        raw = None
    try:
        doc = tomlkit.parse(raw.decode("utf-8")) if raw is not None else tomlkit.document()
    except (ValueError, UnicodeDecodeError) as exc:
        return Failed(target, f"配置文件 {inert(target)} 有错误（{inert(str(exc))}），未修改")
    table = doc.get(section)
    if table is None:
        table = tomlkit.table()
        doc.add(section, table)
    elif not isinstance(table, Mapping):
        return Failed(target, f"配置文件中的 {section} 不是表，未修改")
    table[key] = value
    data = tomlkit.dumps(doc).encode("utf-8")
    try:
        if raw is None:
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            create_file(target, data, mode=0o600)
        else:
            replace_file(target, data, expect=state_of(raw))
    except ConflictError:
        return Failed(target, f"配置文件 {inert(target)} 刚被其他程序修改，未写入")
    except (WriteError, OSError) as exc:
        return Failed(target, f"无法写入配置文件 {inert(target)}：{inert(str(exc))}")
    return Saved(target, f"已写入配置 {section}.{key}")
