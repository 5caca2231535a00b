"""`nianbao verify [--allowed-signers FILE] FILE …`: the publication gate (FORMAT.md §4).

A file passes when its latest sign-off is `approved`, matches the current
digest, no unaccepted error finding remains (checked with the other reports
in its folder, as `signoff` does) and, with --allowed-signers, its SSH
signature verifies for the record's user (a sign-off without a signature
then fails). One line per file: ✓ and who approved it, or ✗ and why.

Exit: 0 all pass; 1 some do not; 2 a file could not be read (file:line:column)
or the allowed-signers file is unreadable.
"""

import os
import sys

from tui.core.inert import inert
from tui.core.load import load_path
from tui.core.readfile import Unreadable, check_regular
from tui.core.report import Invalid
from tui.core.rules import check_report
from tui.core.siblings import checked_with_siblings
from tui.store.signoff import publication_check
from tui.store.sshsig import SIGNERS_LIMIT

PASSED, FAILED, UNREADABLE = range(3)


def _checked_by_folder(files):
    """(index of file, Checked or Invalid) for every file, a folder at a
    time: each folder's reports are checked together, and only one
    folder's reports are held at once (a national batch's verify kept
    every report: 5,000 files, 144 MB)."""
    groups = {}
    for i, f in enumerate(files):
        groups.setdefault(os.path.realpath(os.path.dirname(os.path.abspath(f))), []).append(i)
    for indexes in groups.values():
        loaded, at = [], []  # the folder's readable reports, and their indexes
        for i in indexes:
            r = load_path(files[i], files[i])
            if isinstance(r, Invalid):
                yield i, r
            else:
                loaded.append((r, check_report(r)))
                at.append(i)
        if loaded:
            seen = {os.path.realpath(files[i]) for i in indexes}
            yield from zip(at, checked_with_siblings(loaded, files[indexes[0]], seen))


def run(args):
    signers = args.allowed_signers
    if signers is not None:
        try:
            check_regular(signers, SIGNERS_LIMIT)
        except Unreadable as exc:
            print(f"nianbao verify：签名人名单 {inert(signers)} 无法读取：{exc.reason}", file=sys.stderr)
            return 2
    files = list(dict.fromkeys(args.files))
    # Each file's line is made as its folder is checked and printed in the
    # order given: only the lines are kept, not the reports.
    lines = [None] * len(files)
    for i, c in _checked_by_folder(files):
        if isinstance(c, Invalid):
            lines[i] = (UNREADABLE, f"✗ {inert(c.error)}")
            continue
        gate = publication_check(c, signers)
        if gate.ok:
            lines[i] = (PASSED, f"✓ {inert(files[i])}：可以发布（{inert(gate.detail)}）")
        else:
            lines[i] = (FAILED, f"✗ {inert(files[i])}：" + inert("；".join(gate.reasons)))
    counts = [0, 0, 0]
    for kind, line in lines:
        counts[kind] += 1
        print(line, file=sys.stderr if kind == UNREADABLE else sys.stdout)
    passed, failed, unreadable = counts
    print(f"共 {len(files)} 份：通过 {passed} 份，未通过 {failed} 份，无法读取 {unreadable} 份。")
    sys.stdout.flush()
    if unreadable:
        return 2
    return 1 if failed else 0
