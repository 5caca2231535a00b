"""Making file-derived strings inert in documents.

Report files are untrusted: an agency name, a comment or a quoted clause may
hold control characters, bidirectional overrides, markup or table syntax.
`printable` shows invisible and control characters as escapes (`\\x1b`,
`\\u202e`) and turns every kind of line break into `\\n`; each renderer then
escapes its own syntax on top.
"""

_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n", "\x0c": "\n"}


def _noncharacter(cp):
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _escape_char(ch):
    cp = ord(ch)
    if cp < 0x20 and ch not in "\n\t" or 0x7F <= cp < 0xA0:
        return f"\\x{cp:02x}"
    if cp in _BIDI or _noncharacter(cp) or 0xD800 <= cp <= 0xDFFF:
        return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"
    return ch


def printable(value):
    """`value` as text with line breaks normalised to \\n and controls shown as escapes."""
    s = value if isinstance(value, str) else str(value)
    for old, new in _BREAKS.items():
        if old in s:
            s = s.replace(old, new)
    if s.isprintable():
        return s
    return "".join(ch if ch.isprintable() or ch in "\n\t" else _escape_char(ch) for ch in s).replace("\t", " ")


def one_line(value):
    """`printable`, with line breaks as spaces (headings, table cells of plain text)."""
    return printable(value).replace("\n", " ")
