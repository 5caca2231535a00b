"""Label and value normalisation shared by the mapping and the identity reader."""

import re
import unicodedata

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "〔": "(", "〕": ")",
                         "【": "(", "】": ")", "﹙": "(", "﹚": ")"})
_NUMBERED = re.compile(r"^(\d+)\s*[、,，.．]")


def norm(text):
    """A printed label in comparable form: NFKC (full-width brackets, colons and
    digits become half-width), no whitespace, one kind of quotes, `1、` as `1.`."""
    s = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    s = re.sub(r"\s+", "", s)
    s = _NUMBERED.sub(r"\1.", s)
    return s


def squash(text):
    """Narrative whitespace: runs of blanks become one space, ends trimmed."""
    return re.sub(r"[ \t\u3000\xa0]+", " ", text or "").strip()


PLACEHOLDERS = frozenset({"/", "／", "—", "——", "-", "－", "–", "―", "\\", "无", "×", "*", "＊", "--", "——"})
_NUMBER = re.compile(r"([+-]?)(\d+(?:,\d{3})*|\d+)(\.\d+)?(万元|元|件|条|个|项|次)?")


def parse_value(raw, kind="count"):
    """(value, reason or None) for a cell's source text (FORMAT §1.1, §6).

    Integers as published; blanks and placeholders kept as the published
    string; full-width digits, thousands separators and units read as the
    number and flagged `number-format`; anything else kept as published."""
    text = (raw or "").strip()
    if text == "":
        return "", "blank"
    compact = re.sub(r"\s+", "", text)
    if compact in PLACEHOLDERS:
        return compact, "placeholder"
    nf = unicodedata.normalize("NFKC", compact).replace("−", "-")
    m = _NUMBER.fullmatch(nf)
    if not m:
        return text, "placeholder"
    sign, digits, frac, unit = m.groups()
    reason = None
    if nf != compact or "," in digits or unit or (sign == "+" and kind != "change"):
        reason = "number-format"
    if len(digits) > 1 and digits.startswith("0") and "," not in digits:
        reason = reason or "number-format"
    number = int(digits.replace(",", ""))
    if frac:
        value = float(f"{number}{frac}")
        if kind == "count":
            reason = reason or "number-format"
    else:
        value = number
    if sign == "-":
        value = -value
    return value, reason
