"""The imported report's text: the `nianbao new` layout with values, plus §6's record."""

from tui.core.blank import comment_text, report_text, toml_value
from tui.core.tomltext import toml_key, toml_string


def _record_lines(table, fields):
    lines = [f"[[review.{table}]]"]
    for k, v in fields.items():
        if v is None:
            continue
        if hasattr(v, "isoformat"):
            text = v.isoformat()
        else:
            text = toml_value(v) if not isinstance(v, str) else toml_string(v)
        lines.append(f"{toml_key(k)} = {text}")
    return lines


def render(form, agency, year, *, title, data, text, published, record, flags, source_name):
    header = [f"# 由 nianbao import 从 {comment_text(source_name)} 导入。",
              "# 标为待核对（review.import.flags）的单元格须与原件逐一核对确认后才能签核通过。"]
    body = report_text(form, agency, year, title=title, data=data, text=text, published=published,
                       header=header)
    out = [body, *_record_lines("import", record)]
    for flag in flags:
        out += ["", *_record_lines("import.flags", flag.to_record())]
    return "\n".join(out) + "\n"
