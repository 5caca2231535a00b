"""`nianbao new`: a blank report that loads and checks with zero findings."""

import sys

from tui.core.blank import blank_report
from tui.core.forms import form_by_edition, form_for_year


def run(args):
    form = form_by_edition(args.form)
    agency = args.agency.strip()
    if not agency:
        print("nianbao new：--agency 不能为空", file=sys.stderr)
        return 2
    wanted = form_for_year(args.year)
    if wanted.id != form.id:
        print(f"nianbao new：{args.year} 年度报告应使用{wanted.name}格式（--form {wanted.id.rsplit('/', 1)[-1]}），"
              f"不是{form.name}", file=sys.stderr)
        return 2
    text = blank_report(form, agency, args.year, getattr(args, "level", None))
    if not args.output:
        sys.stdout.write(text)
        return 0
    from tui.store.atomic import WriteError, create_file

    try:
        create_file(args.output, text.encode("utf-8"))
    except FileExistsError:
        print(f"nianbao new：{args.output} 已存在，不会覆盖", file=sys.stderr)
        return 2
    except WriteError as exc:
        print(f"nianbao new：无法写入 {args.output}：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nianbao new：无法写入 {args.output}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"已生成 {args.output}（{form.name}，{agency} {args.year} 年度）", file=sys.stderr)
    return 0
