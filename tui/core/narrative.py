"""The narrative and identity rules of FORMAT.md §2.1.

text.placeholder, report.title-year, text.stale-year, text.fee-statement,
report.deadline and text.claim. The claim kinds (keywords, exclusions,
readings) are data, in forms/claims.toml; this module compiles them once
per form (regular expressions, wildcard rows expanded) so a check stays a
few regex passes per narrative string.

Findings that point into a string carry `span` = (address, start, end), the
characters of that string the finding is about (the placeholder, the year,
the clause), so the workbench can highlight them. Offsets are in Python
characters of the string as stored.
"""

import datetime
import os
import re

from tui.core import formcache
from tui.core.address import MISSING, Address, format_address, get_value, parse_address
from tui.core.findings import ERROR, WARNING, Finding
from tui.core.rules import fmt, rule

_CLAIMS_FILE = os.path.join(os.path.dirname(__file__), "forms", "claims.toml")

# -- shared patterns (FORMAT.md §2.1 "Precisely") ----------------------------

# A year: exactly 4 Unicode decimal digits not preceded by a digit, optional
# whitespace, then 年 (the regular expression `(?<!\d)(\d{4})\s*年`). Python's
# \d on str is exactly Unicode category Nd. Searched in the reversed string,
# from each 年 back: a pattern that starts with a literal is scanned for at C
# speed, one that starts with a look-behind is tried at every character.
# Compiled on first use, through re's cache.
_REVERSED_YEAR = r"年\s*(\d{4})(?!\d)"

# Template placeholders: a maximal run of 2+ X-like characters with no ASCII
# letter next to it; 某某; a maximal run of 2+ ○/〇 with no Chinese numeral
# next to it; the fill-in phrases; 3+ underscores. All are found with
# str.find, the runs from their characters' places: a narrative of a thousand
# characters usually has none of them (and compiling the runs' regular
# expressions cost a one-file `check` ~1 ms of start-up, issue 15).
_X = "XxＸｘ×"
_O = "○〇"
_NUMERALS = "一二三四五六七八九十"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# (a run's characters, those that may not touch it, the same as a regular expression)
_RUNS = ((_X, _LETTERS, rf"(?<![A-Za-z{_X}])[{_X}]{{2,}}(?![A-Za-z{_X}])"),
         (_O, _NUMERALS, rf"(?<![{_O}{_NUMERALS}])[{_O}]{{2,}}(?![{_O}{_NUMERALS}])"))
_PHRASES = ("某某", "待填写", "待补充", "此处填写")
_RUNS_TRIED = 16  # runs looked at one by one before the regular expression takes over
# A placeholder starts with one of these: most strings hold none of them,
# which a test of each character (`in`, at C speed) shows.
_LEADS = tuple(dict.fromkeys([p[0] for p in _PHRASES] + ["_"] + list(_X + _O)))


def _first_run(value, chars, fence, pattern):
    """(start, end) of the first maximal run of 2+ of `chars` with no character
    of `fence` next to it, or None. A string with many runs that are not
    placeholders (x in web addresses, say) is left to `pattern`."""
    n = len(value)
    places = {c: value.find(c) for c in chars}
    for _ in range(_RUNS_TRIED):
        found = [p for p in places.values() if p >= 0]
        if not found:
            return None
        i = j = min(found)
        while j < n and value[j] in chars:
            j += 1
        if j - i >= 2 and (i == 0 or value[i - 1] not in fence) and (j == n or value[j] not in fence):
            return i, j
        for c, p in places.items():
            if 0 <= p < j:
                places[c] = value.find(c, j)
    m = re.search(pattern, value)
    return (m.start(), m.end()) if m else None


def first_placeholder(value):
    """(start, end) of the first template placeholder in a string, or None."""
    leads = [lead for lead in _LEADS if lead in value]
    if not leads:
        return None
    found = []
    for phrase in _PHRASES:
        if phrase[0] in leads:
            i = value.find(phrase)
            if i >= 0:
                found.append((i, i + len(phrase)))
    i = value.find("___") if "_" in leads else -1
    if i >= 0:
        end = i + 3
        while end < len(value) and value[end] == "_":
            end += 1
        found.append((i, end))
    for chars, fence, pattern in _RUNS:
        present = "".join(c for c in chars if c in leads)  # those of a run's characters the string holds
        run = _first_run(value, present, fence, pattern) if present else None
        if run is not None:
            found.append(run)
    return min(found) if found else None


def years(value):
    """[(year, start, end)] of every year named in a string, in text order."""
    if "年" not in value:
        return []
    n = len(value)
    found = [(int(m.group(1)[::-1]), n - m.end(1), n - m.start()) for m in re.finditer(_REVERSED_YEAR, value[::-1])]
    found.reverse()
    return found


def _strings(report):
    """Every top-level string of [text]: [(key, address, value)]."""
    text = report.data.get("text")
    if not isinstance(text, dict):
        return []
    return [(k, _text_address(k), v) for k, v in text.items() if isinstance(v, str)]


_TEXT_ADDRESSES = {}


def _text_address(key):
    """`text.KEY`, formatted once for the keys reports use (a bounded memo)."""
    address = _TEXT_ADDRESSES.get(key)
    if address is None:
        address = format_address(("text", key))
        if len(_TEXT_ADDRESSES) < 256:
            _TEXT_ADDRESSES[key] = address
    return address


def _quote(value, limit=40):
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 3] + "..."  # not …: ambiguous width


def _label(report, address):
    return report.form.label(address)


# -- text.placeholder ---------------------------------------------------------

@rule("text.placeholder")
def placeholder(report):
    ident = report.data["report"]
    targets = [(f"report.{k}", ident[k]) for k in ("agency", "title") if isinstance(ident.get(k), str)]
    targets += [(a, v) for _, a, v in _strings(report)]
    found = []
    for address, value in targets:
        where = first_placeholder(value)
        if where is None:
            continue
        start, end = where
        f = Finding("text.placeholder", ERROR,
                    f"{_label(report, address)}留有模板占位符「{value[start:end]}」，应填写实际内容",
                    [address])
        f.span = (address, start, end)
        found.append(f)
    return found


# -- report.title-year and text.stale-year ------------------------------------

@rule("report.title-year")
def title_year(report):
    title = report.data["report"].get("title")
    if not isinstance(title, str):
        return []
    named = years(title)
    if not named or any(y == report.year for y, _, _ in named):
        return []
    y, start, end = named[0]
    f = Finding("report.title-year", ERROR,
                f"标题所写年度为 {'、'.join(str(n) for n, _, _ in named)} 年，报告年度为 {report.year} 年",
                ["report.title"])
    f.span = ("report.title", start, end)
    return [f]


@rule("text.stale-year")
def stale_year(report):
    text = report.data.get("text")
    overview = text.get("overview") if isinstance(text, dict) else None
    if not isinstance(overview, str):
        return []
    stop = overview.find("。")
    sentence = overview if stop < 0 else overview[:stop]
    named = years(sentence)
    if not named or any(y == report.year for y, _, _ in named):
        return []
    y, start, end = named[0]
    f = Finding("text.stale-year", WARNING,
                f"总体情况首句写的是 {'、'.join(str(n) for n, _, _ in named)} 年，报告年度为 {report.year} 年"
                f"（可能沿用了往年报告）：「{_quote(sentence)}」",
                ["text.overview"])
    f.span = ("text.overview", start, end)
    return [f]


# -- text.fee-statement -------------------------------------------------------

@rule("text.fee-statement")
def fee_statement(report):
    # Runs only where the form lists it (the 2021 format, whose section 六
    # asks for the 信息处理费 even when none was charged).
    text = report.data.get("text")
    if not isinstance(text, dict) or not text:
        return []
    if any(isinstance(v, str) and "处理费" in v for v in text.values()):
        return []
    other = text.get("other")
    if isinstance(other, str) and "收费" in other:
        return []
    return [Finding("text.fee-statement", WARNING,
                    "叙述部分未说明信息处理费收取情况（2021年版格式要求在六、其他需要报告的事项中报告，未收取也应说明）",
                    ["text.other"])]


# -- report.deadline ----------------------------------------------------------

@rule("report.deadline")
def deadline(report):
    ident = report.data["report"]
    published = ident.get("published")
    if isinstance(published, datetime.datetime):
        published = published.date()
    elif not isinstance(published, datetime.date):
        return []
    department = ident.get("level") == "department"
    try:
        limit = datetime.date(report.year + 1, 1, 31) if department else datetime.date(report.year + 1, 3, 31)
    except (ValueError, OverflowError):
        return []  # a year outside the calendar has no deadline to miss
    if published <= limit:
        return []
    who = "部门报告应于次年1月31日前公布" if department else "本级政府报告应于次年3月31日前公布"
    return [Finding("report.deadline", WARNING,
                    f"发布日期 {published.isoformat()} 晚于法定期限 {limit.isoformat()}（{who}，《条例》第四十九、五十条）",
                    ["report.published"])]


# -- text.claim: the claims table ---------------------------------------------

class Reading:
    """One way a table reads a claim: the sum of some count cells."""

    __slots__ = ("label", "cells", "addresses")

    def __init__(self, label, cells):
        self.label = label
        self.cells = tuple(cells)  # Address objects
        self.addresses = tuple(str(a) for a in cells)

    def value(self, data):
        """The sum of the cells, or None when one of them is not a count."""
        total = 0
        for a in self.cells:
            v = get_value(data, a)
            if v is MISSING or not isinstance(v, int) or isinstance(v, bool) or v < 0:
                return None
            total += v
        return total


class Kind:
    __slots__ = ("id", "name", "all", "none", "table", "readings")

    def __init__(self, id, name, all_, none, table, readings):
        self.id = id
        self.name = name
        self.all = all_  # tuple of keyword groups; each group needs one hit
        self.none = none  # keywords that rule the kind out
        self.table = table
        self.readings = readings

    def matches(self, clause):
        for group in self.all:
            for k in group:
                if k in clause:
                    break
            else:
                return False
        for k in self.none:
            if k in clause:
                return False
        return True


class Claims:
    """The claims table compiled for one form."""

    def __init__(self, spec, form):
        # Clause separators and line breaks; a `,` with a digit on each side
        # belongs to a figure and does not split (FORMAT.md §2.1).
        # As one regular expression, searched forwards for a clause's end and
        # in the reversed string for its start (the `,` test is symmetric).
        seps = spec["separators"]
        plain = "".join(re.escape(c) for c in seps if c != ",")
        # Written to start with the set of separator characters (a `,` then
        # refused between two digits), so that re scans for them at C speed.
        comma = r",](?!(?<=\d,)\d)" if "," in seps else "]"
        self._split = re.compile(rf"[{plain}\r\n{comma}").search
        self.units = tuple(spec["units"])
        self.prefix = spec["ordinal_prefix"]
        # What precedes a unit, read backwards (in the reversed string, from
        # the character before the unit): optional spaces (not line breaks),
        # then the run of digits, maximal (no digit, nor a `,` and a digit,
        # beyond it) and not preceded by the prefix. One C-level match per
        # unit found, for units and a prefix of one character that is not a
        # digit, a space or `,` (as in claims.toml); else walked in Python.
        self._before_unit = None
        if len(self.prefix) == 1 and all(len(u) == 1 and not (u.isdecimal() or u.isspace() or u == ",")
                                         for u in self.units):
            self._before_unit = re.compile(
                rf"[^\S\r\n]*(\d+(?:,\d+)*)(?!\d)(?!,\d)(?!{re.escape(self.prefix)})").match
        self.exclusions = tuple(spec["exclusions"])
        self._excluded = re.compile("|".join(re.escape(x) for x in self.exclusions)).search \
            if self.exclusions else (lambda clause: None)
        by_id = {k["id"]: k for k in spec["kinds"]}
        # Every kind needs one keyword of its first group: a quick test first.
        first = sorted({kw for k in spec["kinds"] for kw in k["all"][0]}, key=len, reverse=True)
        self.any_keyword = re.compile("|".join(re.escape(kw) for kw in first))
        self.kinds = []
        for k in spec["kinds"]:
            none = list(k.get("none", ()))
            for other in k.get("not_kinds", ()):
                for group in by_id[other]["all"]:
                    none.extend(group)
            readings = tuple(Reading(r["label"], _expand(form, r["cells"])) for r in k["readings"])
            self.kinds.append(Kind(k["id"], k["name"], tuple(tuple(g) for g in k["all"]), tuple(none),
                                   k["table"], readings))

    def figures(self, value, reversed_value=None):
        """[(start, end of digits, end, figure, unit)] of every figure in a string,
        in text order: a maximal run of decimal digits (a `,` between digit
        groups allowed) not preceded by the ordinal prefix (第), optional spaces
        (not line breaks), a unit. Found from the units backwards, with
        str.find: a long narrative has few units and many characters."""
        out = []
        n = len(value)
        before = self._before_unit
        if before is not None:
            rev = value[::-1] if reversed_value is None else reversed_value
            for unit in self.units:
                u = value.find(unit)
                while u >= 0:
                    m = before(rev, n - u)
                    if m:
                        k, j = n - m.end(1), n - m.start(1)
                        out.append((k, j, u + 1, int(value[k:j].replace(",", "")), unit))
                    u = value.find(unit, u + 1)
            out.sort()
            return out
        for unit in self.units:
            u = value.find(unit)
            while u >= 0:
                j = u
                while j > 0 and value[j - 1].isspace() and value[j - 1] not in "\r\n":
                    j -= 1
                if j > 0 and value[j - 1].isdecimal():
                    k = j - 1
                    while k > 0 and (value[k - 1].isdecimal()
                                     or (value[k - 1] == "," and k >= 2 and value[k - 2].isdecimal())):
                        k -= 1
                    if k == 0 or value[k - 1] != self.prefix:
                        out.append((k, j, u + 1, int(value[k:j].replace(",", "")), unit))
                u = value.find(unit, u + 1) if u + 1 < n else -1
        out.sort()
        return out

    def kind_of(self, clause):
        """The one kind whose keywords the clause matches, or None (none or several)."""
        if not self.any_keyword.search(clause):
            return None  # most clauses with a figure name no kind at all
        hit = None
        for kind in self.kinds:
            if kind.matches(clause):
                if hit is not None:
                    return None
                hit = kind
        return hit

    def _clause(self, value, start, end, reversed_value=None):
        """The bounds of the clause around value[start:end]: from the nearest
        separator before the figure (found in the reversed string) to the
        nearest after it. Python's \\d is str.isdecimal (Unicode Nd)."""
        n = len(value)
        rev = value[::-1] if reversed_value is None else reversed_value
        m = self._split(rev, n - start)
        i = n - m.start() if m else 0
        m = self._split(value, end)
        return i, (m.start() if m else n)

    def claims(self, value):
        """Every claim in a string: [(kind, figure, unit, start, end)], the
        clause's span stripped of surrounding whitespace."""
        rev = value[::-1]
        figures = self.figures(value, rev)
        if not figures:
            return []
        per_clause = {}
        for fig in figures:
            bounds = self._clause(value, fig[0], fig[2], rev)
            per_clause.setdefault(bounds, []).append(fig)
        out = []
        for (start, end), figs in per_clause.items():
            if len(figs) != 1:
                continue
            clause = value[start:end]
            if self._excluded(clause):
                continue
            kind = self.kind_of(clause)
            if kind is None:
                continue
            _, _, _, figure, unit = figs[0]
            lead = len(clause) - len(clause.lstrip())
            trail = len(clause.rstrip())
            out.append((kind, figure, unit, start + lead, start + trail))
        return out


def _expand(form, cells):
    """Addresses of a reading's cells; `rows.*[i]` → every form row under `rows`, in order."""
    out = []
    for text in cells:
        if ".*[" in text:
            head, index = text.split(".*[")
            prefix = tuple(head.split("."))
            index = int(index.rstrip("]"))
            rows = form.application_rows if prefix[0] == "applications" else form.appeal_rows
            out.extend(Address(r.keys, index) for r in rows
                       if r.keys[: len(prefix)] == prefix and len(r.keys) > len(prefix))
        else:
            out.append(parse_address(text))
    return out


_SPEC = None
_COMPILED = {}


def claims_for(form):
    """The claims table compiled for `form` (cached per form id)."""
    global _SPEC
    compiled = _COMPILED.get(form.id)
    if compiled is None:
        if _SPEC is None:
            _SPEC = formcache.load(_CLAIMS_FILE)  # parsed ahead of time when it is the shipped text
        compiled = _COMPILED[form.id] = Claims(_SPEC, form)
    return compiled


@rule("text.claim")
def claim(report):
    strings = _strings(report)
    if not strings:
        return []
    table = claims_for(report.form)
    data = report.data
    found = []
    for _key, address, value in strings:
        for kind, figure, unit, start, end in table.claims(value):
            readings = [(r, v) for r in kind.readings for v in (r.value(data),) if v is not None]
            if not readings or any(v == figure for _, v in readings):
                continue
            cells = []
            for r, _ in readings:
                cells.extend(a for a in r.addresses if a not in cells)
            clause = value[start:end]
            said = "，".join(f"{r.label} {fmt(v)} {unit}" for r, v in readings)
            f = Finding("text.claim", WARNING,
                        f"「{_quote(clause, 60)}」：正文称 {fmt(figure)} {unit}；{kind.table} {said}",
                        cells + [address], readings[0][1], figure)
            f.span = (address, start, end)
            found.append(f)
    return found
