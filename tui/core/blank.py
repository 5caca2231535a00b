"""The text of a report laid out like the printed form, each label a comment.

Generated from the form definition, so that neither `nianbao new` (a blank
report, all counts 0) nor `nianbao import` (the values read from a published
report) needs a template per edition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.forms import LEVELS
from tui.core.tomltext import toml_key, toml_string

if TYPE_CHECKING:
    from tui.core.forms import Form

COMMENT_COLUMN = 56
_MISSING = object()


def comment_text(text):
    """Text safe inside a TOML comment (no control characters but tab, so no line breaks)."""
    return "".join(" " if (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F else ch for ch in str(text))


def _line(code, comment):
    pad = max(COMMENT_COLUMN - len(code), 2)
    return f"{code}{' ' * pad}# {comment}"


def toml_value(v):
    """TOML text of a cell value (int, float, str, bool)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = repr(v)
        return text if any(ch in text for ch in ".en") else text + ".0"
    return toml_string(str(v))


def _get(data, keys):
    node = data
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return _MISSING
        node = node[k]
    return node


def blank_report(form: Form, agency: str, year: int, level: str | None = None) -> str:
    return report_text(form, agency, year, level=level)


def report_text(form, agency, year, *, title=None, data=None, text=None, published=None,
                header=None, level=None):
    """The report's TOML text. `data` None: every count 0 (a blank report).
    Otherwise `data` holds the sections `active`, `applications`, `appeals`
    as nested dicts; a row or field absent from it is left out of the file
    (with a comment naming it), never written as 0. `text` maps narrative
    keys to strings (None: every key, empty)."""
    title = f"{agency}{year}年政府信息公开工作年度报告" if title is None else title
    if header is None:
        header = ["# 由 nianbao new 生成：各数均为 0，请按公开发布的报告逐项填写。"]
    out = [
        f"# {comment_text(agency)} {year} 年政府信息公开工作年度报告",
        f"# 格式：{form.title}（{form.issued_by}）",
        *header,
        "",
        "[report]",
        f"form = {toml_string(form.id)}",
        f"agency = {toml_string(agency)}",
        f"year = {year}",
    ]
    if level:  # report.level (FORMAT.md §1): government or department
        out.append(_line(f"level = {toml_string(level)}", f"报告级别：{LEVELS[level]}"))
    if title:
        out.append(f"title = {toml_string(title)}")
    if published is not None:
        out.append(f"published = {published.isoformat()}")
    out += ["", "[text]"]
    for key, label in form.text_keys:
        if text is None:
            out += [f"# {label}", f'{toml_key(key)} = ""']
        elif key in text:
            out += [f"# {label}", f"{toml_key(key)} = {toml_string(text[key])}"]
    out += ["", f"# {form.active_label}", "[active]"]
    for row in form.active_rows:
        fields = [f for f in row.fields if f.required]
        if data is None:
            values = [(f, 0) for f in fields]
        else:
            got = _get(data, ("active", row.key))
            got = got if isinstance(got, dict) else {}
            values = [(f, got[f.key]) for f in row.fields if f.key in got]
            if not values:
                out.append(f"# 原件中未找到：{row.label}")
                continue
        code = (f"{toml_key(row.key)} = {{ "
                + ", ".join(f"{toml_key(f.key)} = {toml_value(v)}" for f, v in values) + " }")
        out.append(_line(code, f"{row.label}：" + "、".join(f.label for f, _ in values)))
    for section, label, columns, rows in (
            ("applications", form.applications_label, form.application_columns, form.application_rows),
            ("appeals", form.appeals_label, form.appeal_columns, form.appeal_rows)):
        out += ["", f"# {label}", "# 各列：" + "、".join(c.label for c in columns), f"[{section}]"]
        for row in rows:
            cells = [0] * len(columns) if data is None else _get(data, row.keys)
            if cells is _MISSING:
                out.append(f"# 原件中未找到：{row.label}")
                continue
            out.append(_line(f"{row.key} = [{', '.join(toml_value(v) for v in cells)}]", row.label))
    return "\n".join(out) + "\n"
