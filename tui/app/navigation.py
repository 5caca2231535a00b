"""Moving to the next or previous problem (or difference): one navigator for every screen.

Pure (no Textual). A screen lists its targets in display order by a sortable
position, says where the cursor is and which list entry is highlighted, and
gets back the entry to go to and whether the step wrapped around the end of
the list, with the words to say so in the status line.
"""

WRAP_WORDS = {
    "finding": {1: "已从最后一个问题回到第一个", -1: "已从第一个问题回到最后一个"},
    "difference": {1: "已从最后一处不同回到第一处", -1: "已从第一处不同回到最后一处"},
}


class Step:
    __slots__ = ("index", "wrapped", "message")

    def __init__(self, index, wrapped, message=None):
        self.index = index
        self.wrapped = wrapped
        self.message = message  # status-line words when it wrapped, else None


class Navigator:
    def __init__(self, positions, noun="finding"):
        """positions: one sortable position per entry, in the entries' (display) order."""
        self.positions = list(positions)
        self.noun = noun

    def __len__(self):
        return len(self.positions)

    def step(self, here, direction, current=None):
        """The entry after (direction 1) or before (-1) `here`.

        `current`, the entry highlighted in a problem list, breaks ties when
        several entries share the cursor's position: the walk goes on from it.
        None when there are no entries.
        """
        n = len(self.positions)
        if not n:
            return None
        if current is not None and 0 <= current < n and self.positions[current] == here:
            target = current + direction
            if 0 <= target < n:
                return Step(target, False)
            return self._wrapped(target % n, direction)
        if direction > 0:
            ahead = [i for i, p in enumerate(self.positions) if p > here]
            return Step(ahead[0], False) if ahead else self._wrapped(0, direction)
        behind = [i for i, p in enumerate(self.positions) if p < here]
        return Step(behind[-1], False) if behind else self._wrapped(n - 1, direction)

    def _wrapped(self, index, direction):
        return Step(index, True, WRAP_WORDS[self.noun][direction])
