"""Where `n` / `N` stop for each finding.

A finding is visited at its first cell; a finding about a stretch of a
narrative string that is not its first cell (text.claim: the table cell,
then the clause that states the figure) is visited there too, right after.
Pure: the screens turn the stops into cursor moves.
"""


class Stop:
    __slots__ = ("finding", "address", "clause")

    def __init__(self, finding, address, clause=False):
        self.finding = finding
        self.address = address
        self.clause = clause  # True: the span inside a narrative string

    @property
    def key(self):
        """Identifies the stop across re-checks (which make new Finding objects)."""
        f = self.finding
        return (f.rule, f.first, f.span, self.address)


def finding_stops(findings):
    """[Stop] in the order of `findings`: each one's first cell, then the string
    its span lies in when that is another address."""
    out = []
    for f in findings:
        if f.first is not None:
            out.append(Stop(f, f.first))
        span = getattr(f, "span", None)
        if span and span[0] != f.first:
            out.append(Stop(f, span[0], clause=True))
    return out
