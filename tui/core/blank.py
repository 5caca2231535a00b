"""The text of a blank report (all counts 0), laid out like the printed form.

Generated from the form definition, with each printed label as a comment,
so that `nianbao new` needs no template per edition.
"""

from tui.core.inert import inert
from tui.core.tomltext import toml_key, toml_string

COMMENT_COLUMN = 56


def _line(code, comment):
    pad = max(COMMENT_COLUMN - len(code), 2)
    return f"{code}{' ' * pad}# {comment}"


def blank_report(form, agency, year):
    title = f"{agency}{year}年政府信息公开工作年度报告"
    out = [
        f"# {inert(agency)} {year} 年政府信息公开工作年度报告",  # a comment ends at a line break
        f"# 格式：{form.title}（{form.issued_by}）",
        "# 由 nianbao new 生成：各数均为 0，请按公开发布的报告逐项填写。",
        "",
        "[report]",
        f"form = {toml_string(form.id)}",
        f"agency = {toml_string(agency)}",
        f"year = {year}",
        f"title = {toml_string(title)}",
        "",
        "[text]",
    ]
    for key, label in form.text_keys:
        out += [f"# {label}", f'{toml_key(key)} = ""']
    out += ["", f"# {form.active_label}", "[active]"]
    for row in form.active_rows:
        fields = [f for f in row.fields if f.required]
        code = f"{toml_key(row.key)} = {{ " + ", ".join(f"{toml_key(f.key)} = 0" for f in fields) + " }"
        out.append(_line(code, f"{row.label}：" + "、".join(f.label for f in fields)))
    out += ["", f"# {form.applications_label}",
            "# 各列：" + "、".join(c.label for c in form.application_columns),
            "[applications]"]
    for row in form.application_rows:
        out.append(_line(f"{row.key} = [{', '.join(['0'] * len(form.application_columns))}]", row.label))
    out += ["", f"# {form.appeals_label}",
            "# 各列：" + "、".join(c.label for c in form.appeal_columns),
            "[appeals]"]
    for row in form.appeal_rows:
        out.append(_line(f"{row.key} = [{', '.join(['0'] * len(form.appeal_columns))}]", row.label))
    return "\n".join(out) + "\n"
