"""tomllib's English syntax-error messages in the reviewer's language.

tomllib raises `TOMLDecodeError` with an English sentence; reviewers read
Chinese. Each known sentence (CPython 3.11–3.13) maps to a Chinese one; the
quoted key or character it names is kept. A sentence this table does not
know gets a generic Chinese message rather than leaking English.
"""

from __future__ import annotations

import ast
import re

# (pattern over tomllib's message without its "(at line …)" suffix, Chinese)
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), chinese)
    for pattern, chinese in (
        (r"Invalid statement", "无法识别的语句（应为 键 = 值、[表] 或 [[表数组]]）"),
        (r"Expected newline or end of document after a statement", "一条语句之后应换行"),
        (r"Found invalid character (?P<x>.+)", "出现非法字符 {x}"),
        (r"Cannot declare (?P<x>.+) twice", "表 {x} 重复声明"),
        (r"Cannot overwrite a value", "键重复：不能再次给同一个键赋值"),
        (r"Expected '\]' at the end of a table declaration", "表头末尾缺少 ]"),
        (r"Expected '\]\]' at the end of an array declaration", "表数组头末尾缺少 ]]"),
        (r"Cannot mutate immutable namespace (?P<x>.+)", "不能向已写完的 {x} 添加键"),
        (r"Cannot redefine namespace (?P<x>.+)", "不能重新定义 {x}"),
        (r"Expected '=' after a key in a key/value pair", "键之后应为 =（键 = 值）"),
        (r"Invalid initial character for a key part", "键的开头字符不合法（含中文或空格的键须加引号）"),
        (r"Unclosed array", "数组没有闭合（缺少 ] 或逗号）"),
        (r"Duplicate inline table key (?P<x>.+)", "内联表中的键 {x} 重复"),
        (r"Unclosed inline table", "内联表没有闭合（缺少 }} 或逗号）"),
        (r"Unescaped '\\' in a string", "字符串中的 \\ 未转义"),
        (r"Invalid hex value", "转义序列中的十六进制数不合法"),
        (r"Escaped character is not a Unicode scalar value", "转义字符不是合法的 Unicode 字符"),
        (r"Unterminated string", "字符串没有结束引号"),
        (r"Illegal character (?P<x>.+)", "字符串中有不允许的控制字符 {x}"),
        (r"Invalid date or datetime", "日期或时间不合法"),
        (r"Expected (?P<x>.+)", "此处应为 {x}"),
        (r"Invalid value", "值不合法（数字、字符串须加引号、true/false、日期、数组或内联表）"),
    )
)

GENERIC = "TOML 写法有误"


def _key(text: str) -> str:
    """tomllib names keys as Python tuples, ('a', 'c'); reviewers read a.c."""
    if text.startswith("("):
        try:
            parts = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(parts, tuple) and all(isinstance(p, str) for p in parts):
            return ".".join(parts)
    return text


def to_chinese(message: str) -> str:
    """The Chinese message for one of tomllib's (suffix already removed)."""
    message = message.strip()
    for pattern, chinese in _MESSAGES:
        m = pattern.match(message)
        if m:
            return chinese.format(**{k: _key(v) for k, v in m.groupdict().items()})
    return GENERIC


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def describe(exc: Exception) -> str:
    """A TOMLDecodeError as one Chinese sentence with its place: `第 3 行第 7 列：…`."""
    text = str(exc)
    m = _AT.search(text)
    if m is None:
        return to_chinese(text)
    where = f"第 {m.group(1)} 行第 {m.group(2)} 列" if m.group(1) else "文件末尾"
    return f"{where}：{to_chinese(text[: m.start()])}"
