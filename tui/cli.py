"""The `nianbao` command line (FORMAT.md §4).

Each command lives in tui/commands/<name>.py with a `run(args) -> int` and is
imported only when used, so `nianbao check` never pays for Textual, tomlkit
or diff-match-patch. No subcommand opens the workbench.
"""

import argparse
import sys

from tui.core.forms import EditionChoices, FormError

COMMANDS = ("check", "new", "signoff", "verify", "diff")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：用法错误：{message}\n")


def build_parser():
    p = _Parser(prog="nianbao", description="政府信息公开工作年度报告审核工具。不带子命令时打开审核工作台。")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    c = sub.add_parser("check", help="检查报告文件和文件夹（递归查找 *.toml），按机关配对相邻年度")
    c.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    c.add_argument("--jobs", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    c.add_argument("paths", nargs="+", metavar="PATH")

    n = sub.add_parser("new", help="生成一份空白报告（各数均为 0，注释为表格标签）")
    n.add_argument("--form", required=True, choices=EditionChoices(), help="报告格式版本（取自报告格式文件）")
    n.add_argument("--agency", required=True, help="发布机关全称")
    n.add_argument("--year", required=True, type=int, help="报告年度")
    n.add_argument("-o", "--output", metavar="FILE", help="写入文件（不覆盖已有文件）；省略时输出到标准输出")

    s = sub.add_parser("signoff", help="在报告文件中追加签核记录")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--decision", required=True, choices=("approved", "rejected"))
    s.add_argument("--reviewer", metavar="NAME", help="审核人显示名（默认取配置）")
    s.add_argument("--note", metavar="TEXT")
    s.add_argument("--force", metavar="REASON",
                   help="他人（如另一台主机上遗留的锁）持有编辑锁时仍写入；理由记入签核记录的 note")
    s.add_argument("--accept-findings", metavar="REASON", dest="accept_findings",
                   help="将尚未接受的错误逐条记为已接受，并写明理由")
    s.add_argument("--sign", metavar="KEY", help="用 SSH 密钥签名（私钥文件，或由 ssh-agent 持有私钥的公钥文件）")

    v = sub.add_parser("verify", help="发布前核验：最新签核为通过且与当前内容一致")
    v.add_argument("--allowed-signers", metavar="FILE", dest="allowed_signers")
    v.add_argument("files", nargs="+", metavar="FILE")

    d = sub.add_parser("diff", help="逐格、逐段比较两份报告")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    return p


def build_open_parser():
    p = _Parser(prog="nianbao", description="打开审核工作台：文件夹列出其中报告，两份文件并排比较；不带路径时打开 ./reports。"
                f"子命令：{' | '.join(COMMANDS)}（nianbao 命令 --help 查看说明）。")
    p.add_argument("--theme", metavar="NAME", help="界面主题（themes/ 下的文件名）")
    p.add_argument("paths", nargs="*", metavar="PATH")
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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    _utf8_streams()
    try:
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            module = __import__(f"tui.commands.{args.command}", fromlist=["run"])
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
        print(f"nianbao：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        try:
            sys.stdout = None
        finally:
            return 0
    except KeyboardInterrupt:
        return 130
