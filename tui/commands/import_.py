"""`nianbao import`: published reports → report files with an import record (FORMAT §4, §6).

Exit status: 0 every cell imported unflagged, 1 written with flagged cells,
2 refused (unreadable, unsupported, tables not found, existing output).
"""

import json
import os
import sys

from tui.core.inert import inert, json_inert

REASON_NAMES = {
    "fuzzy-label": "标签近似匹配", "by-position": "按位置推定", "merged": "合并单元格",
    "realigned": "右对齐推定", "split-table": "跨页表格", "placeholder": "占位符或文字",
    "blank": "空白", "missing": "原件中未找到", "number-format": "数字格式（全角、千分位或单位）",
}


def _out_path(args, source):
    if args.output:
        return args.output
    stem = os.path.splitext(os.path.basename(source))[0] or "report"
    return os.path.join(args.out_dir or ".", stem + ".toml")


def import_one(path, out, *, form=None, agency=None, year=None):
    """Import `path` into the new file `out`. → (Imported, None) or (None, message)."""
    from tui.importer import Refused, import_bytes, read_bytes
    from tui.store.atomic import create_file
    from tui.store.build import imported_text
    from tui.store.signoff import login_name, now

    if os.path.lexists(out):
        return None, f"{out} 已存在，不会覆盖"
    try:
        raw = read_bytes(path)
        result = import_bytes(raw, os.path.basename(path), form=form, agency=agency, year=year,
                              user=login_name(), at=now())
    except Refused as exc:
        return None, str(exc)
    try:
        create_file(out, imported_text(result).encode("utf-8"))
    except FileExistsError:
        return None, f"{out} 已存在，不会覆盖"
    except OSError as exc:
        return None, f"无法写入 {out}：{exc.strerror or exc}"
    return result, None


def _shown(text):
    """Untrusted text (file names, source text) made visible-but-harmless for the terminal."""
    return inert(str(text))


def run(args):
    if args.output and len(args.files) > 1:
        print("nianbao import：-o 只能用于一个文件；多个文件请用 --out-dir", file=sys.stderr)
        return 2
    if args.out_dir and not os.path.isdir(args.out_dir):
        print(f"nianbao import：--out-dir {_shown(args.out_dir)} 不是已有的文件夹", file=sys.stderr)
        return 2
    status, docs = 0, []
    for path in args.files:
        out = _out_path(args, path)
        result, error = import_one(path, out, form=args.form, agency=args.agency, year=args.year)
        if error:
            status = 2
            docs.append({"source": path, "output": None, "error": error, "flags": [], "notes": []})
            if args.format == "text":
                print(f"nianbao import：{_shown(path)}：{_shown(error)}", file=sys.stderr)
            continue
        flags = [f.to_record() for f in result.flags]
        if flags:
            status = max(status, 1)
        docs.append({"source": path, "output": out, "error": None, "form": result.form.id,
                     "agency": result.agency, "year": result.year, "flags": flags, "notes": result.notes})
        if args.format == "text":
            print(f"已导入 {_shown(path)} → {_shown(out)}（{result.form.name}，{_shown(result.agency)} "
                  f"{result.year} 年度）：{len(flags)} 个单元格待核对")
            for f in result.flags:
                where = f" @ {_shown(f.locator)}" if f.locator else ""
                raw = f" 原文“{_shown(f.raw)}”" if f.raw is not None else ""
                print(f"  ? {f.cell}  {REASON_NAMES.get(f.reason, f.reason)}{raw}{where}")
            for note in result.notes:
                print(f"  注：{_shown(note)}")
    if args.format == "json":
        print(json_inert(json.dumps({"imports": docs}, ensure_ascii=False, indent=1, default=str)))
    return status
