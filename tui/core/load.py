"""bytes → Report or Invalid. Never raises for bad input.

Checking reads with tui.core.tomlparse (a compiled parser checked against
tomllib, the reference); editing parses again with tomlkit in tui.store. A
UTF-8 byte order mark is accepted.
"""

import re
from itertools import chain, compress

from tui.core import tomlparse

from tui.core.address import quote_key
from tui.core.forms import all_forms, get_form
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid, Report

BOM = b"\xef\xbb\xbf"
# Regular expressions of rare paths (a bad file) are compiled on first use,
# through re's own cache: compiling them all cost `check` start-up time.
_AT = r"\(at line (\d+), column (\d+)\)"

# Limits that keep hostile files from hurting the checker. A real report is
# at most 5 levels deep (applications.outcome.denied.state_secret[6]).
# tomllib spends time and memory quadratic in the number of parts of a
# dotted key (100,000 parts exhaust the memory of the machine), and data
# nested deeper than the recursion limit breaks the digest (json.dumps) and
# the transfer from worker processes (pickle). So: refuse dotted keys of more
# than MAX_KEY_PARTS parts before parsing, and data nested more than
# MAX_DEPTH levels after.
MAX_KEY_PARTS = 64
MAX_DEPTH = 64
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
# A key starts a line, or follows `[` (table headers) or `{` / `,` (inline
# tables). Anchoring there keeps the search linear: every run of dotted parts
# is scanned once, not once from each of its dots.
_DEEP_KEY = (r"(?:^|[\[{,])[ \t]*" + _KEY_PART
             + r"(?:[ \t]*\.[ \t]*" + _KEY_PART + r"){%d}" % MAX_KEY_PARTS)


def _deep_key_line(text):
    """The 1-based line of a dotted key with more than MAX_KEY_PARTS parts, or None.

    A key lies on one line, so only lines with that many dots are searched
    (a whole real report has about 60 dots).
    """
    if text.count(".") < MAX_KEY_PARTS:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if line.count(".") >= MAX_KEY_PARTS and re.search(_DEEP_KEY, line):
            return number
    return None


def _where(file, line, column):
    if line is None:
        return file
    if column is None:
        return f"{file}:{line}"
    return f"{file}:{line}:{column}"


def _key_line(text, key):
    """Line and column of the first `key =` assignment in the text, if any."""
    m = re.search(r"^[ \t]*(" + re.escape(key) + r")[ \t]*=", text, re.M)
    if not m:
        return None, None
    line = text.count("\n", 0, m.start(1)) + 1
    return line, m.start(1) - (text.rfind("\n", 0, m.start(1)) + 1) + 1


def invalid(file, message, line=None, column=None):
    return Invalid(file, f"{_where(file, line, column)}: {message}", line, column)


def parse_text(raw, file):
    """Decode and parse. Returns (data, text, bom) or an Invalid."""
    bom = raw.startswith(BOM)
    if bom:
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # Columns count characters, as tomllib's do; the bytes before the
        # first bad one are valid UTF-8.
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start:exc.start].decode("utf-8", "replace")) + 1
        return invalid(file, f"不是 UTF-8 编码（字节 0x{raw[exc.start]:02x}）", line, column)
    deep = _deep_key_line(text)
    if deep is not None:
        return invalid(file, f"键的层级过多（超过 {MAX_KEY_PARTS} 层），不是年度报告", deep)
    try:
        data = tomlparse.loads(text)
    except tomlparse.TomlError as exc:
        msg = str(exc)
        m = re.search(_AT, msg)
        line = column = None
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            msg = msg[: m.start()].strip()
        elif "end of document" in msg:
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
        from tui.core.tomlerrors import to_chinese  # only for a bad file: its tables cost start-up time

        return invalid(file, f"TOML 语法错误：{to_chinese(msg)}", line, column)
    except RecursionError:
        return invalid(file, "TOML 嵌套过深，无法读取")
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # tomllib cannot even convert the literal
            return invalid(file, _huge_message(None, None), *_huge_literal(text))
        return invalid(file, f"无法读取：{exc}")
    except (MemoryError, OverflowError) as exc:
        return invalid(file, f"无法读取：{exc}")
    too_deep, maybe_huge = _scan(data, MAX_DEPTH, _may_hold_huge(raw))
    if too_deep:
        return invalid(file, f"TOML 嵌套过深（超过 {MAX_DEPTH} 层），无法读取")
    huge = _huge_integer(data, text) if maybe_huge else None
    if huge is not None:
        return invalid(file, *huge)
    return data, text, bom


_CONTAINER_TYPES = frozenset((dict, list))
_INT_TYPES = frozenset((int, bool))
_INT_ONLY = frozenset((int,))


# An integer outside 64 bits is written with at least 16 hexadecimal digits
# (19 decimal, 21 octal, 64 binary; leading zeros and `_` only add to them):
# a file without 16 such characters in a row holds none, and most reports
# have none (bytes.translate + find: a few µs, against a third of `_scan`).
_HEXISH = bytes(48 if b in b"0123456789abcdefABCDEF_" else 32 for b in range(256))
_HEX_RUN = b"0" * 16


def _may_hold_huge(raw):
    return raw.translate(_HEXISH).find(_HEX_RUN) >= 0


def _scan(data, limit, huge_possible=True):
    """(nested more than `limit` levels, may hold an integer outside 64 bits).

    One walk, level by level, iterative (no recursion). Per level, the
    values of all its tables and arrays are gathered into one list and
    sorted out at C speed (their types, the ints among them, the tables and
    arrays of the next level): a report's five levels cost a few passes
    each, not a Python step per table or array. The parsers return plain
    dicts and lists. The second answer is only a hint: `_huge_integer` finds
    the integer (or finds none)."""
    # huge: False while not found, None when not looked for (the text cannot
    # hold one: only the depth is walked)
    level, depth, huge = [data], 1, (False if huge_possible else None)
    while True:
        children = list(chain.from_iterable([node.values() if type(node) is dict else node for node in level]))
        types = set(map(type, children))
        if huge is False and int in types:
            ints = children if _INT_TYPES.issuperset(types) else \
                list(compress(children, map(_INT_ONLY.__contains__, map(type, children))))
            huge = max(ints) > INT_MAX or min(ints) < INT_MIN
        if _CONTAINER_TYPES.isdisjoint(types):
            return False, bool(huge)
        level = list(compress(children, map(_CONTAINER_TYPES.__contains__, map(type, children))))
        depth += 1
        if depth > limit:
            return True, bool(huge)


# TOML 1.0: "Arbitrary 64-bit signed integers (from −2^63 to 2^63−1) should
# be accepted and handled losslessly. If an integer cannot be represented
# losslessly, an error must be thrown." tomllib accepts any size, and an
# integer of more than 4,300 decimal digits cannot even be printed or put in
# the digest's JSON (Python's int-to-string limit): `0x` + 5,000 `f`s crashed
# every command. Such a file is not TOML 1.0, so it is `invalid`, like any
# other TOML error, with the key's address, line and column.
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1
# A value starts after `=`, `[` or `,` (arrays may span lines).
_INT_LITERAL = r"[=\[,]\s*([+-]?(?:0x[0-9A-Fa-f_]{16,}|0o[0-7_]{21,}|0b[01_]{63,}|[1-9][0-9_]{18,}))(?![\w.:])"


def _int_value(literal):
    try:
        return int(literal.replace("_", ""), 0)
    except ValueError:  # more decimal digits than Python converts: out of range anyway
        return INT_MAX + 1


def _huge_literal(text):
    """(line, column) of the first integer literal outside the 64-bit range, or (None, None)."""
    for m in re.finditer(_INT_LITERAL, text):
        if not INT_MIN <= _int_value(m.group(1)) <= INT_MAX:
            start = m.start(1)
            return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
    return None, None


def _huge_message(address, value):
    if value is None or value.bit_length() > 14000:  # str() would fail past 4,300 digits
        size = "超过 4,300 位十进制数字" if value is None else f"约 {int(value.bit_length() * 0.30103) + 1:,} 位十进制数字"
    else:
        size = f"{len(str(abs(value))):,} 位十进制数字"
    where = f"{address} 的" if address else ""
    return f"{where}整数过大（{size}），超出 TOML 1.0 的 64 位整数范围（−2^63 至 2^63−1），无法读取"


def _huge_integer(data, text):
    """(message, line, column) for the first integer outside TOML's 64-bit range, or None."""
    stack = [(data, "")]
    where = None
    while stack and where is None:
        node, path = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            sub = (f"{path}.{quote_key(key)}" if path else quote_key(key)) if isinstance(node, dict) else f"{path}[{key}]"
            if isinstance(value, int) and not isinstance(value, bool):
                if not INT_MIN <= value <= INT_MAX:
                    where = (sub, value)
                    break
            elif isinstance(value, (dict, list)):
                stack.append((value, sub))
    if where is None:
        return None
    address, value = where
    return (_huge_message(address, value), *_huge_literal(text))


def load_bytes(raw, file):
    """Load one report from bytes; `file` names it in messages."""
    parsed = parse_text(raw, file)
    if isinstance(parsed, Invalid):
        return parsed
    data, text, bom = parsed
    return from_data(data, file, text, bom)


def from_data(data, file, text="", bom=False):
    """Check the identity of parsed data and make a Report (or an Invalid)."""
    ident = data.get("report")
    if not isinstance(ident, dict):
        return invalid(file, "缺少 [report] 表（报告身份：form、agency、year）")
    form_id = ident.get("form")
    if not isinstance(form_id, str):
        line, col = _key_line(text, "form")
        return invalid(file, "缺少 report.form（报告格式）或不是字符串", line, col)
    form = get_form(form_id)
    if form is None:
        line, col = _key_line(text, "form")
        known = "、".join(f.id for f in all_forms())
        return invalid(file, f"未知的报告格式 {form_id!r}（已知：{known}）", line, col)
    agency = ident.get("agency")
    if not isinstance(agency, str) or not agency.strip():
        line, col = _key_line(text, "agency")
        return invalid(file, "缺少 report.agency（发布机关）或为空", line, col)
    year = ident.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        line, col = _key_line(text, "year")
        return invalid(file, "缺少 report.year（报告年度）或不是整数", line, col)
    return Report(file, data, form, bom)


def load_path(path, display=None):
    """Load a report file. `display` is the name used in messages (default: path)."""
    file = display if display is not None else str(path)
    try:
        raw, _ = read_regular(path)
    except Unreadable as exc:
        return invalid(file, exc.reason)
    return load_bytes(raw, file)


# -- identity without parsing (a batch's first step) ---------------------------
#
# A batch pairs years on every file's (agency, year) before it checks any
# (tui.core.batch). Parsing every file twice costs; most files state their
# identity plainly at the top, and the first step reads it from there:
# `identity_hint` returns what the parsed data's identity WOULD be if the
# file is a valid report, or None when it cannot tell without parsing. It
# never returns a wrong identity for a valid report:
#
# * only when no multi-line string opener comes before the end of the
#   table (so every line up to there is TOML, not the inside of a string);
# * there, the lines after a `[report]` header line and before the next line
#   that starts with `[` are keys of the table `report` (an inline table or
#   a string is on one line; a multi-line array's lines are values, not
#   `key = value`), and a valid file defines each key once;
# * only plain values are read: a basic or literal string without escapes
#   or control characters, a decimal year without sign or underscores, a
#   known form id. Anything else (quoted keys, dotted keys, escapes, an
#   agency that is blank) answers None.
#
# Whether the file is valid at all is decided when it is checked.

_LINE_END = rb"[ \t]*(?:#[^\r\n]*)?\r?$"
_PLAIN = rb"""(?:"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"|'([^'\x00-\x08\x0a-\x1f\x7f]*)')"""
_IDENTITY = None  # compiled on first use (only a batch needs them)


def _identity_patterns():
    global _IDENTITY
    if _IDENTITY is None:
        _IDENTITY = (
            re.compile(rb"^\[report\][ \t]*(?:#[^\r\n]*)?\r?$", re.M),  # the table's header line
            re.compile(rb"^[ \t]*\[", re.M),  # the next header (or a line of an array)
            re.compile(rb"^[ \t]*form[ \t]*=[ \t]*" + _PLAIN + _LINE_END, re.M),
            re.compile(rb"^[ \t]*agency[ \t]*=[ \t]*" + _PLAIN + _LINE_END, re.M),
            re.compile(rb"^[ \t]*year[ \t]*=[ \t]*(0|[1-9][0-9]{0,8})" + _LINE_END, re.M),
        )
    return _IDENTITY


def _plain(m):
    return m.group(1) if m.group(1) is not None else m.group(2)


def identity_hint(raw):
    """(agency, year) of the report in `raw` (bytes) if it is a valid report, or None."""
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    header_line, next_header, form_line, agency_line, year_line = _identity_patterns()
    header = header_line.search(raw)
    if header is None:
        return None
    after = next_header.search(raw, header.end())
    end = after.start() if after else len(raw)
    if b'"""' in raw[:end] or b"'''" in raw[:end]:
        return None  # a multi-line string before the end of the table: lines may not be TOML lines
    section = raw[header.end():end]
    form, agency, year = form_line.search(section), agency_line.search(section), year_line.search(section)
    if form is None or agency is None or year is None:
        return None
    try:
        form_id = _plain(form).decode("utf-8")
        name = _plain(agency).decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not name or get_form(form_id) is None:
        return None
    return name, int(year.group(1))
