"""`nianbao new`: a blank report that loads and checks with zero findings."""

import datetime
import sys

from tui.core.forms import all_forms, form_by_edition, form_for_year
from tui.core.inert import has_controls, inert
from tui.store.build import blank_report


# The 条例 took effect in 2008 (the first annual reports are for 2008); a
# report for next year (or the first year of a form defined later) can be
# prepared, nothing later.
FIRST_YEAR = 2008


def run(args):
    form = form_by_edition(args.form)
    agency = args.agency.strip()
    if not agency:
        print("nianbao new：--agency 不能为空", file=sys.stderr)
        return 2
    if has_controls(agency):
        # A newline would end the header comment and start a line of TOML; no
        # agency name has control or bidi characters, so refuse, naming them.
        print(f"nianbao new：--agency 含有控制字符或双向文本控制符，不是机关名称：{inert(agency)}", file=sys.stderr)
        return 2
    wanted = form_for_year(args.year)
    if wanted.id != form.id:
        print(f"nianbao new：{args.year} 年度报告应使用{wanted.name}格式（--form {wanted.id.rsplit('/', 1)[-1]}），"
              f"不是{form.name}", file=sys.stderr)
        return 2
    # Next year, or later when a form for a later year is defined (forms are data).
    last = max(datetime.date.today().year + 1, max(f.first_year for f in all_forms()))
    if not FIRST_YEAR <= args.year <= last:
        print(f"nianbao new：--year {args.year} 不是有效的报告年度（应在 {FIRST_YEAR} 至 {last} 年之间；"
              "《政府信息公开条例》自 2008 年施行）", file=sys.stderr)
        return 2
    text = blank_report(form, agency, args.year, getattr(args, "level", None))
    if not args.output:
        sys.stdout.write(text)
        return 0
    from tui.store.atomic import WriteError, create_file

    try:
        create_file(args.output, text.encode("utf-8"))
    except FileExistsError:
        print(f"nianbao new：{inert(args.output)} 已存在，不会覆盖", file=sys.stderr)
        return 2
    except WriteError as exc:
        print(f"nianbao new：无法写入 {inert(args.output)}：{inert(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nianbao new：无法写入 {inert(args.output)}：{inert(exc.strerror or exc)}", file=sys.stderr)
        return 2
    print(f"已生成 {inert(args.output)}（{form.name}，{agency} {args.year} 年度）", file=sys.stderr)
    return 0
