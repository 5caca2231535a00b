"""The reports beside a file that its checks depend on.

`signoff`, `verify` and a file opened alone check a report together with
the reports in its folder, so that year-over-year findings count. Only some
of them matter (an agency's same year and the year before, for pairing and
duplicates): the others are skipped unparsed, their identity read from
their `[report]` lines (tui.core.load.identity_hint, exact for a valid
report; a file whose lines are not plain is parsed to be sure). A folder of
1,180 reports was parsed and checked whole for every sign-off (0.87 s, now
0.19 s). Each file is read once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from tui.core.checker import check_loaded, is_report_name
from tui.core.load import identity_hint, load_bytes
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid
from tui.core.rules import check_report


def report_files_in(folder: str) -> list[str]:
    """The report files (is_report_name) in `folder`, not recursive, sorted;
    [] when the folder cannot be listed."""
    try:
        names = sorted(os.listdir(folder or "."))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names if is_report_name(name)]


def sibling_paths(path: str | os.PathLike[str]) -> list[str]:
    """The other report files in the same folder (regular files, not `path`
    itself), not recursive, sorted."""
    out = []
    for other in report_files_in(os.path.dirname(os.fspath(path))):
        try:
            if os.path.samefile(other, path) or not os.path.isfile(other):
                continue
        except OSError:
            continue
        out.append(other)
    return out


def reports_beside(path: str | os.PathLike[str], keep: Callable[[str, int], bool],
                   skip: frozenset[str] | set[str] = frozenset()) -> Iterator[Any]:
    """The readable reports beside `path` whose (agency, year) `keep` accepts,
    each file read once, parsed only when its `[report]` lines do not already
    name an identity `keep` refuses. `skip`: real paths to leave out."""
    for other in sibling_paths(path):
        if skip and os.path.realpath(other) in skip:
            continue
        try:
            raw, _ = read_regular(other)
        except Unreadable:
            continue
        hint = identity_hint(raw)
        if hint is not None and not keep(*hint):
            continue
        r = load_bytes(raw, other)
        if not isinstance(r, Invalid) and keep(r.agency, r.year):
            yield r


def checked_with_siblings(loaded: list, beside: str | os.PathLike[str],
                          skip: frozenset[str] | set[str] = frozenset()) -> list:
    """The Checked of each (Report, single-report findings) of `loaded`, in
    order, checked together with the reports beside the file `beside` that
    may pair with one of them: a duplicate (same agency and year) or the
    year before. `skip`: real paths already among `loaded`."""
    wanted = {(r.agency, r.year) for r, _ in loaded}

    def may_pair(agency, year):
        return (agency, year) in wanted or (agency, year + 1) in wanted

    together = list(loaded) + [(r, check_report(r)) for r in reports_beside(beside, may_pair, skip)]
    return check_loaded(together)[:len(loaded)]


def check_with_siblings(report: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """The Checked of `report`, checked together with the reports beside it on disk
    that may pair with it. Unreadable siblings are ignored."""
    return checked_with_siblings([(report, check_report(report))], path if path is not None else report.file)[0]
