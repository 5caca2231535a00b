"""`nianbao signoff FILE --decision approved|rejected …` (FORMAT.md §4, §5).

Reviewer: --reviewer, else [reviewer] name in config.toml, else the login
name. Signing key: --sign KEY, else [reviewer] key in config.toml (the config
documents it as the default --sign key); no key, no signature.

The file is checked together with the other reports in its folder, so
year-over-year findings count as they do in `nianbao check FOLDER`.

--force REASON writes even while another holder (for example a stale lock
left on another host) has the report open; the reason is recorded in the
sign-off's note.

Exit: 0 written; 1 refused (unaccepted errors, someone else editing, the
file changed meanwhile, a layout that cannot take the records, the disk said
no); 2 the report or the key could not be read, or bad usage.
"""

import sys

from tui.core.inert import inert
from tui.core.review import APPROVED
from tui.store import signoff as so


def _err(text):
    print(f"nianbao signoff：{inert(text, multiline=True)}", file=sys.stderr)


def run(args):
    from tui.config import load_config

    config = load_config()
    if config.error:
        _err(f"警告：{config.error}（忽略配置）")
    if args.reviewer is not None and not args.reviewer.strip():
        _err("--reviewer 不能为空")
        return 2
    if args.accept_findings is not None and not args.accept_findings.strip():
        _err("--accept-findings 需要写明接受的理由")
        return 2
    force = getattr(args, "force", None)
    if force is not None and not force.strip():
        _err("--force 需要写明强制签核的理由")
        return 2
    reviewer = (args.reviewer or config.reviewer_name or so.login_name()).strip()
    key = args.sign or config.reviewer_key
    try:
        result = so.append_signoff(args.file, args.decision, reviewer, note=args.note,
                                   accept_reason=args.accept_findings, sign_key=key, force_reason=force,
                                   accept=getattr(args, "accept", ()))
    except so.Unreadable as exc:
        _err(f"无法读取报告：{exc}")
        return 2
    except so.SigningFailed as exc:
        _err(str(exc))
        return 2
    except so.Refused as exc:
        _err(str(exc))
        if exc.findings:
            print("核实后可用 --accept 规则@单元格=理由 逐条接受（原件如此），"
                  "用 --accept-findings 理由 一并接受全部，或用 --decision rejected 退回。", file=sys.stderr)
        return 1
    except so.ReviewError as exc:
        _err(str(exc))
        return 1

    out = []
    for f in result.accepted:
        out.append(f"已接受错误：{f.rule}@{inert(f.first)}  {inert(f.message)}")
    what = "签核通过" if result.decision == APPROVED else "退回"
    out.append(f"已{what} {inert(result.path)}：审核人 {inert(result.reviewer)}（{inert(result.user)}），"
               f"时间 {result.at.isoformat()}")
    out.append(f"摘要 {result.digest}")
    if result.signed:
        out.append(f"已用 SSH 密钥 {inert(key)} 签名")
    print("\n".join(out))
    return 0
