"""Minimal ANSI colouring for command output, off unless stdout is a terminal.

Hand-rolled so that `check` does not import Rich. Every coloured mark also
has a glyph, so nothing is lost under NO_COLOR.
"""

import os
import sys

CODES = {"error": "1;31", "warning": "33", "info": "36", "accepted": "32", "dim": "2", "bold": "1",
         "insert": "32", "delete": "31"}


def enabled(stream=None):
    stream = stream or sys.stdout
    if "NO_COLOR" in os.environ and os.environ["NO_COLOR"] != "":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def paint(text, style, on):
    if not on or style not in CODES:
        return text
    return f"\x1b[{CODES[style]}m{text}\x1b[0m"
