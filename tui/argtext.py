"""argparse in the reviewer's language.

argparse builds its help and error text from English strings passed through
`gettext` (bound as `argparse._` and `argparse.ngettext`). Rebinding those two
names to a small Chinese table is the documented hook of gettext without
shipping a .mo catalogue. Strings this table does not know stay as they are,
so a newer Python can at worst show a little English, never break.
"""

from __future__ import annotations

import argparse

_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本说明并退出",
    "show program's version number and exit": "显示版本号并退出",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个取值",
    "expected at most one argument": "最多一个取值",
    "expected at least one argument": "至少需要一个取值",
    "invalid %(type)s value: %(value)r": "不是有效的%(type)s：%(value)r",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 须至少给出一个",
    "ignored explicit argument %r": "忽略了多余的取值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
}


def _gettext(message: str) -> str:
    return _ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "需要 %s 个取值"
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Make every argparse message this process prints Chinese."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


def integer(text: str) -> int:
    """`type=` for integer arguments; its name is what argparse prints."""
    return int(text)


integer.__name__ = "整数"
