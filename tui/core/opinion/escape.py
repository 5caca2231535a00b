"""Making file-derived strings inert in documents.

Report files are untrusted: an agency name, a comment or a quoted clause may
hold control characters, bidirectional overrides, markup or table syntax.
`printable` applies the house scheme (tui.core.inert: controls as Control
Pictures, bidi and separators as `\\u` escapes; newlines kept) and also shows
Unicode noncharacters as escapes (they are parse errors in HTML5 and invalid
in XML); each renderer then escapes its own syntax on top.
"""

import re

from tui.core.inert import inert

_NONCHAR = re.compile("[\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
                      "\U0004fffe\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff"
                      "\U0008fffe\U0008ffff\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff"
                      "\U000cfffe\U000cffff\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff"
                      "\U0010fffe\U0010ffff]")


def _nonchar(m):
    cp = ord(m.group())
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def printable(value):
    """`value` as inert text; newlines kept, tabs as spaces."""
    s = inert(value, multiline=True).replace("\t", " ")
    return _NONCHAR.sub(_nonchar, s) if _NONCHAR.search(s) else s


def one_line(value):
    """`printable`, with line breaks as spaces (headings, plain-text lines)."""
    return printable(value).replace("\n", " ")
