"""TOML text → data, fast: a compiled parser when installed, tomllib as the reference.

Reading is most of the cost of `nianbao check`; tomllib (pure Python) parses
a report in about 1.3 ms, the compiled `toml-rs` (Rust, the `toml` crate) in
about 0.05 ms. tomllib stays the reference: the data returned is always what
tomllib returns, and tomllib's verdict on validity wins:

* the compiled parser runs first, in TOML 1.0 mode; when it accepts, its data
  is returned (the differential tests show it equals tomllib's, types, key
  order, dates and offsets included);
* when it rejects, or raises anything at all, the text is parsed again with
  tomllib, which either accepts it (its data is returned) or raises the
  error whose `(at line L, column C)` load.py turns into `file:line:column`;
* known divergences never reach the compiled parser (see `_doubtful`): a
  leading U+FEFF, which toml-rs skips and tomllib rejects, and deep nesting,
  which crashes toml-rs 0.4 (a stack overflow past a few thousand nested
  arrays or inline tables) where tomllib raises RecursionError.

The compiled parser is imported only once a process has parsed enough text
to pay for the import (COMPILED_FROM below). Without toml-rs everything runs
on tomllib, only slower. Writes never use
this module: tui.store writes through tomlkit and verifies with tomllib.
"""

# The compiled parser is imported on first need, not with this module: with
# what it brings (pathlib, urllib.parse, ipaddress) importing it costs about
# four times what tomllib takes to parse a report. So the first texts of a
# process go to tomllib (already imported by the standard library's users on
# the check path) until COMPILED_FROM characters have been parsed, counting
# the text at hand; from then on, and for any text that long, the compiled
# parser is imported and used. A one-file `nianbao check` never imports it;
# a batch does after its first few reports.
import sys

COMPILED_FROM = 24_000
_UNTRIED = object()
_compiled_loads = _UNTRIED  # toml_rs.loads, None when not installed, _UNTRIED before the first need
_parsed_chars = 0


def _compiled():
    """toml_rs.loads, imported now if it was not yet; None when it cannot be imported.
    Only the main thread imports it: toml-rs 0.4 imported first in a thread that
    then ends makes later parses in other threads crash the process (a
    segmentation fault; the workbench checks in threads). Until the main thread
    has imported it, a thread parses with tomllib."""
    global _compiled_loads
    if _compiled_loads is _UNTRIED:
        threading = sys.modules.get("threading")  # not imported: no thread but the main one
        if threading is not None and threading.current_thread() is not threading.main_thread():
            return None
        try:  # optional (pyproject lists it; a platform without a wheel goes without)
            from toml_rs import loads as found
        except ImportError:  # pragma: no cover - exercised by the fallback test in a subprocess
            found = None
        _compiled_loads = found
    return _compiled_loads


# More brackets than this (table headers, arrays, inline tables and any in
# strings) and the compiled parser is not asked: nesting is bounded by the
# count, and toml-rs overflows its stack at a few thousand levels. A report
# has about 40.
MAX_BRACKETS = 1000


class TomlError(ValueError):
    """tomllib's TOMLDecodeError message for a text tomllib rejects."""


def compiled_available():
    return _compiled() is not None


def _doubtful(text):
    """True when the compiled parser must not be asked (a known divergence)."""
    return text.startswith("\ufeff") or text.count("[") + text.count("{") > MAX_BRACKETS


def loads(text):
    """Parse TOML `text` (str). Returns what tomllib.loads returns, or raises
    TomlError with tomllib's message; RecursionError/MemoryError as tomllib."""
    global _parsed_chars
    compiled = _compiled_loads
    if compiled is _UNTRIED:
        _parsed_chars += len(text)
        compiled = _compiled() if _parsed_chars >= COMPILED_FROM else None
    if compiled is not None and not _doubtful(text):
        try:
            return compiled(text, toml_version="1.0.0")
        except Exception:  # noqa: BLE001 - any doubt: tomllib decides
            pass
    return reference_loads(text)


def reference_loads(text):
    """tomllib, the reference."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(str(exc)) from None
