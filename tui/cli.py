"""The `nianbao` command line (FORMAT.md §4).

Each command lives in tui/commands/<name>.py with a `run(args) -> int` and is
imported only when used, so `nianbao check` never pays for Textual, tomlkit
or diff-match-patch. No subcommand opens the workbench.
"""

import argparse
import os
import sys

from tui.argtext import install as _chinese_argparse, integer
from tui.core.forms import EditionChoices, FormError

COMMANDS = ("check", "new", "signoff", "verify", "diff", "import", "opinion")
MODULES = {"import": "import_"}


def _help_width():
    """shutil.get_terminal_size().columns - 2, as argparse computes it, without
    importing shutil (and with it bz2, lzma and zlib: start-up time of `check`)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # argparse quotes the arguments it refuses: file names a shell glob
        # found in a shared folder, shown inert.
        from tui.core.inert import inert

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：用法错误：{inert(message, multiline=True)}\n")

    def _get_formatter(self):
        return self.formatter_class(prog=self.prog, width=_help_width())


EXIT_CHECK = "退出状态：0 无未接受的错误；1 仍有未接受的错误；2 文件无法读取、未找到报告或用法错误。"
EXIT_SIGNOFF = "退出状态：0 已写入；1 被拒绝（仍有未接受的错误，或文件已被他人修改/锁定）；2 文件无法读取或用法错误。"
EXIT_VERIFY = "退出状态：0 全部通过；1 有报告未通过（未签核、已过期、被退回或签名无效）；2 文件无法读取或用法错误。"
EXIT_NEW = "退出状态：0 已生成；2 参数有误或目标文件已存在。"
EXIT_DIFF = "退出状态：0 已输出；2 文件无法读取或用法错误。"
EXIT_OPINION = ("退出状态：0 已写出；2 有文件无法读取（其余报告照常写出）、没有可读取的报告、"
                "输出文件已存在（未加 --force）或用法错误。")
EXIT_IMPORT = "退出状态：0 全部单元格导入且无标记；1 已写入但有待核对的标记；2 拒绝导入（无法读取、格式不支持、找不到表格）。"


class _Version(argparse.Action):
    """--version, looked up only when asked (importlib.metadata costs start-up time)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="显示版本号并退出")

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("nianbao")
        except PackageNotFoundError:
            found = "（未安装）"
        print(f"nianbao {found}")
        parser.exit(0)


def accept_spec(text):
    """`RULE@CELL=REASON` → (rule, cell, reason); the cell may hold quoted keys with `=`."""
    rule, at, rest = text.partition("@")
    quoted = False
    for i, ch in enumerate(rest):
        if ch == '"':
            quoted = not quoted
        elif ch == "=" and not quoted:
            cell, reason = rest[:i].strip(), rest[i + 1:].strip()
            if rule.strip() and cell and reason:
                return rule.strip(), cell, reason
            break
    raise argparse.ArgumentTypeError(f"应写作 规则@单元格=理由，实为 {text!r}")


accept_spec.__name__ = "规则@单元格=理由"


def _sub(sub, name, summary, details, exits):
    """A subcommand whose --help shows what it does and its exit statuses."""
    return sub.add_parser(name, help=summary, description=f"{summary}。{details}".rstrip(),
                          epilog=exits, formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_check(sub):
    c = _sub(sub, "check", "检查报告文件和文件夹（递归查找 *.toml），按机关配对相邻年度",
             "不给路径时检查 ./reports。text 输出逐条列出问题；json 输出见 FORMAT.md §4。", EXIT_CHECK)
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    c.add_argument("--jobs", type=integer, default=None, help="并行进程数（默认：本进程可用的 CPU 核数）")
    c.add_argument("paths", nargs="*", default=["reports"], metavar="PATH", help="报告文件或文件夹（默认 ./reports）")


def _add_new(sub):
    n = _sub(sub, "new", "生成一份空白报告（各数均为 0，注释为表格标签）", "", EXIT_NEW)
    n.add_argument("--form", required=True, choices=EditionChoices(), help="报告格式版本（取自报告格式文件）")
    n.add_argument("--agency", required=True, help="发布机关全称")
    n.add_argument("--year", required=True, type=integer, help="报告年度")
    n.add_argument("--level", choices=("government", "department"),
                   help="报告级别：government 本级政府（次年3月31日前公布），department 部门（次年1月31日前公布）")
    n.add_argument("-o", "--output", metavar="FILE", help="写入文件（不覆盖已有文件）；省略时输出到标准输出")


def _add_signoff(sub):
    s = _sub(sub, "signoff", "在报告文件中追加签核记录",
             "签核绑定报告内容的摘要（FORMAT.md §3），之后任何改动都会使签核“已过期”。"
             "仍有未接受的错误时拒绝“通过”，除非用 --accept-findings 写明理由逐条接受。", EXIT_SIGNOFF)
    s.add_argument("file", metavar="FILE", help="报告文件")
    s.add_argument("--decision", required=True, choices=("approved", "rejected"), help="approved 通过，rejected 退回")
    s.add_argument("--reviewer", metavar="NAME", help="审核人显示名（默认取配置）")
    s.add_argument("--note", metavar="TEXT", help="签核意见")
    s.add_argument("--force", metavar="REASON",
                   help="他人（如另一台主机上遗留的锁）持有编辑锁时仍写入；理由记入签核记录的 note")
    s.add_argument("--accept-findings", metavar="REASON", dest="accept_findings",
                   help="将尚未接受的错误逐条记为已接受，并写明理由")
    s.add_argument("--accept", metavar="RULE@CELL=REASON", action="append", default=[], type=accept_spec,
                   help="接受指定的一条错误并写明理由，可重复，如 "
                        "--accept 'appeals.row-total@appeals.reconsideration[4]=原件如此'")
    s.add_argument("--sign", metavar="KEY", help="用 SSH 密钥签名（私钥文件，或由 ssh-agent 持有私钥的公钥文件）")


def _add_verify(sub):
    v = _sub(sub, "verify", "发布前核验：最新签核为通过且与当前内容一致",
             "给出 --allowed-signers 时还核验每份签核的 SSH 签名。", EXIT_VERIFY)
    v.add_argument("--allowed-signers", metavar="FILE", dest="allowed_signers",
                   help="ssh-keygen 的 allowed_signers 文件")
    v.add_argument("files", nargs="+", metavar="FILE", help="报告文件")


def _add_diff(sub):
    d = _sub(sub, "diff", "逐格、逐段比较两份报告",
             "列出数值不同的每一格，并以 [-删除-]{+新增+} 标出正文各段的改动。", EXIT_DIFF)
    d.add_argument("old", metavar="OLD", help="旧报告（如上年）")
    d.add_argument("new", metavar="NEW", help="新报告（如本年）")


def _add_import(sub):
    i = _sub(sub, "import", "把公开发布的年报（网页、Word .docx、带文字层的 PDF）导入为报告文件",
             "按表格的印刷标签对应到报告格式；拿不准的单元格记为导入标记，须在工作台逐一核对确认。",
             EXIT_IMPORT)
    i.add_argument("files", nargs="+", metavar="FILE", help="原件（.html .htm .docx .pdf）")
    out = i.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="写入文件（只导入一个文件时；不覆盖已有文件）")
    out.add_argument("--out-dir", metavar="DIR", dest="out_dir", help="写入此文件夹（文件名同原件，扩展名 .toml）")
    i.add_argument("--form", choices=EditionChoices(), help="报告格式版本（默认按表二表头和年度判断）")
    i.add_argument("--agency", metavar="NAME", help="发布机关全称（默认取标题）")
    i.add_argument("--year", type=integer, metavar="YEAR", help="报告年度（默认取标题）")
    i.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")


def _add_opinion(sub):
    o = _sub(sub, "opinion", "写出审查意见（每份报告一份）；--summary 写出多份报告的汇总表",
             "审查意见：标识、签核状态、按表格顺序列出的问题（印刷标签、发布值、应为值、说明）、"
             "已接受的问题及理由、批注和跨年对照；每份报告与同一文件夹中的报告一并检查。"
             "--summary：每份报告一行（机关、年度、格式、错误、警告、已接受、签核状态、审核人、日期），"
             "按签核状态再按机关排序，附合计；路径的检查方式与 check 相同。"
             "不给 -o/--out-dir 时输出到标准输出。已存在的输出文件不会被覆盖（加 --force 才覆盖）。", EXIT_OPINION)
    o.add_argument("--summary", action="store_true", help="写汇总表而不是逐份的审查意见")
    o.add_argument("--format", choices=("md", "html", "docx", "csv"), default=None,
                   help="输出格式：md、html、docx（汇总表另可 csv）；默认按 -o 的扩展名，否则 md")
    o.add_argument("-o", "--output", metavar="FILE", help="写入一个文件（多份报告的审查意见合为一份文件）")
    o.add_argument("--out-dir", metavar="DIR", dest="out_dir", help="每份报告写一个文件：DIR/<文件名>.opinion.<扩展名>")
    o.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    o.add_argument("--jobs", type=integer, default=None, help="并行进程数（默认：本进程可用的 CPU 核数）")
    o.add_argument("paths", nargs="+", metavar="PATH", help="报告文件（--summary 时也可是文件夹）")


_SUBCOMMANDS = {"check": _add_check, "new": _add_new, "signoff": _add_signoff, "verify": _add_verify,
                "diff": _add_diff, "import": _add_import, "opinion": _add_opinion}


def build_parser(only=None):
    """The parser of every subcommand; with `only`, of that one alone, which is
    all its arguments need (building them all was ~1.5 ms of a one-file check)."""
    p = _Parser(prog="nianbao", description="政府信息公开工作年度报告审核工具。不带子命令时打开审核工作台。")
    p.add_argument("--version", action=_Version)
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMANDS:
        if only in (None, name):
            _SUBCOMMANDS[name](sub)
    return p


def build_open_parser():
    p = _Parser(prog="nianbao", description="打开审核工作台：文件夹列出其中报告，两份文件并排比较；不带路径时打开 ./reports。"
                f"子命令：{' | '.join(COMMANDS)}（nianbao 命令 --help 查看说明）。")
    p.add_argument("--version", action=_Version)
    p.add_argument("--theme", metavar="NAME", help="界面主题（themes/ 下的文件名）")
    p.add_argument("--check-config", action="store_true", dest="check_config",
                   help="只检查配置文件（按键设置、主题），报告问题后退出：0 无问题，1 有问题，2 无法读取")
    p.add_argument("paths", nargs="*", metavar="PATH", help="报告文件或文件夹（默认 ./reports）")
    return p


def _utf8_streams():
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not hasattr(stream, "reconfigure"):
            continue
        if enc != "utf8":
            stream.reconfigure(encoding="utf-8", errors="replace")
        else:  # a file name with undecodable bytes must never end in UnicodeEncodeError
            stream.reconfigure(errors="backslashreplace")


def entry():
    """The `nianbao` command (console script and `python -m tui`): main(), then
    exit at once when nothing is left to clean up (no atexit handler, no other
    thread: a one-file `check`, say). Tearing the interpreter down, freeing
    every module and object, was about a tenth of a one-file check (issue 15)."""
    status = main()
    if isinstance(status, int) and _nothing_to_clean_up():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a closed pipe, say: the ordinary exit reports it
            return status
        os._exit(status)
    return status


def _nothing_to_clean_up():
    import atexit

    ncallbacks = getattr(atexit, "_ncallbacks", None)  # CPython's
    if ncallbacks is None or ncallbacks():
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _utf8_streams()
    _chinese_argparse()
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser(argv[0]).parse_args(argv)
            module = __import__(f"tui.commands.{MODULES.get(args.command, args.command)}", fromlist=["run"])
            return module.run(args)
        if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
            build_parser().print_help()
            print()
            build_open_parser().print_help()
            return 0
        args = build_open_parser().parse_args(argv)
        from tui.commands.open import run

        return run(args)
    except FormError as exc:  # a broken form file (tui/core/forms/ or $NIANBAO_FORMS)
        from tui.core.inert import inert

        print(f"nianbao：{inert(exc, multiline=True)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        try:
            sys.stdout = None
        finally:
            return 0
    except KeyboardInterrupt:
        return 130
