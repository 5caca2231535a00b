"""Make untrusted text inert before it is shown (issue 10.2).

Every string that comes from a report file or the environment (agency,
region, title, cell strings, narrative, notes, reviewer, file names, a lock's
`user`, …) passes through `inert()` before it reaches a terminal, in the
command-line text output and in the workbench. JSON output stays exact
(`json_inert`, below).

The scheme (documented in README):

- C0 control characters U+0000–U+001F and DEL U+007F become their Unicode
  Control Pictures: ESC → ␛, BEL → ␇, backspace → ␈, CR → ␍, LF → ␊,
  TAB → ␉, NUL → ␀, DEL → ␡. In `multiline` text (the narrative), LF and
  TAB stay as they are and CR LF becomes LF.
- C1 controls U+0080–U+009F, bidirectional formatting characters (U+061C,
  U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph
  separators U+2028/U+2029 and lone surrogates (undecodable bytes of a file
  name) become `\\u` escapes: U+202E → `\\u202e`.

The pictures and escapes are plain printable characters of width 1 each, so
an inert string can never move the cursor, set the terminal title, change
colours, reorder what follows it or start a new line in a one-line field.

Backslashes are left alone: `\\u202e` typed literally in a report reads the
same as an escaped U+202E, which is harmless.

JSON output (`json_inert`) keeps every value exact and is inert too: json
already escapes C0; the other characters above are written as JSON `\\u`
escapes, which parse back to the same characters.
"""

import re

# LF and TAB are handled separately (kept in multiline text).
_C0 = "\x00-\x08\x0b-\x1f"  # C0 but TAB, LF
_PAST_C0 = (  # what json.dumps(ensure_ascii=False) leaves raw (it escapes C0 itself)
    "\x7f-\x9f"  # DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029"  # line / paragraph separator
    "\ud800-\udfff"  # lone surrogates (os.fsdecode of undecodable bytes)
)
_BAD = _C0 + _PAST_C0
# Compiled on first use (compiling both cost `check` ~0.7 ms of start-up),
# and searched only in a string that is not printable: every character above
# is a control (Cc), format (Cf), line or paragraph separator (Zl, Zp) or
# surrogate (Cs) character, none of which str.isprintable() accepts.
_PATTERNS = {False: f"[{_BAD}\t\n]", True: f"\r\n|[{_BAD}]"}  # by `multiline`
_compiled = {}


def _pattern(multiline):
    found = _compiled.get(multiline)
    if found is None:
        found = _compiled[multiline] = re.compile(_PATTERNS[multiline])
    return found


def visible(ch):
    """The visible form of one character that `inert` replaces."""
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}"


def _one(match):
    return visible(match.group())


def _multi(match):
    s = match.group()
    return "\n" if s == "\r\n" else visible(s)


def inert(text, multiline=False):
    """`text` with every control and bidi character shown visibly (see module doc).

    Not a string (None, a number, …): converted with str() first. With
    `multiline`, newlines and tabs are kept (CR LF becomes LF).
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.isprintable():
        return text
    pattern = _pattern(bool(multiline))
    if pattern.search(text) is None:
        return text
    return pattern.sub(_multi if multiline else _one, text)


def has_controls(text, multiline=False):
    """True when `inert(text, multiline)` would change `text`."""
    return isinstance(text, str) and not text.isprintable() and _pattern(bool(multiline)).search(text) is not None


_JSON_LIVE = f"[{_PAST_C0}]"  # of _BAD, what json leaves raw


def _json_escape(match):
    return f"\\u{ord(match.group()):04x}"


def json_inert(text):
    """JSON text made by json.dumps(..., ensure_ascii=False), with every
    character that inert() would change written as a JSON `\\u` escape: the
    same JSON value (json.loads gives back exactly the same strings), and
    nothing a terminal acts on when it is printed (U+009B is CSI to some
    terminals, U+202E reverses what follows). Such characters can only stand
    inside a JSON string, where an escape means the character itself. A lone
    surrogate (an undecodable byte of a file name), which UTF-8 cannot carry
    at all, becomes an escape the same way. The quick test first: none of
    them is printable, and compact JSON of a report usually is."""
    if text.isprintable():
        return text
    return re.sub(_JSON_LIVE, _json_escape, text)
