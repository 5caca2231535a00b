"""Cell addresses (FORMAT.md §1.5): `applications.outcome.total[6]`.

An address is a dotted TOML key path plus an optional 0-based `[i]`. Keys that
are not bare TOML keys (the Chinese category names of `active.summary`) are
written quoted, as TOML itself would write them.
"""

from __future__ import annotations

from collections.abc import Iterable
import re

_BARE = re.compile(r"[A-Za-z0-9_-]+\Z")
_TOKEN = re.compile(r'\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|\'([^\']*)\')\s*')
_INDEX = re.compile(r"\[(\d+)\]\Z")

MISSING = object()  # sentinel: the address names nothing in the data


class Address:
    """A parsed address: `keys` (tuple of str) and `index` (int or None)."""

    __slots__ = ("keys", "index")

    def __init__(self, keys, index=None):
        self.keys = tuple(keys)
        self.index = index

    def __eq__(self, other):
        return isinstance(other, Address) and self.keys == other.keys and self.index == other.index

    def __hash__(self):
        return hash((self.keys, self.index))

    def __repr__(self):
        return f"Address({format_address(self.keys, self.index)!r})"

    def __str__(self):
        return format_address(self.keys, self.index)

    @property
    def row(self):
        """The address without its index (the row or field it belongs to)."""
        return Address(self.keys)


def quote_key(key: str) -> str:
    if _BARE.match(key):
        return key
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_address(keys: Iterable[str], index: int | None = None) -> str:
    text = ".".join(quote_key(k) for k in keys)
    if index is not None:
        text += f"[{index}]"
    return text


def parse_address(text: str) -> Address:
    """Parse an address; raise ValueError naming the problem."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("空地址")
    index = None
    m = _INDEX.search(text)
    if m:
        index = int(m.group(1))
        text = text[: m.start()]
    keys = []
    pos = 0
    while True:
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"地址无法解析：{text!r}")
        bare, dq, sq = m.groups()
        if bare is not None:
            keys.append(bare)
        elif dq is not None:
            keys.append(re.sub(r"\\(.)", r"\1", dq))
        else:
            keys.append(sq)
        pos = m.end()
        if pos == len(text):
            break
        if text[pos] != ".":
            raise ValueError(f"地址无法解析：{text!r}")
        pos += 1
    return Address(keys, index)


def get_value(data: dict, address: Address) -> object:
    """The value at `address` in parsed data, or MISSING."""
    node = data
    for key in address.keys:
        if not isinstance(node, dict) or key not in node:
            return MISSING
        node = node[key]
    if address.index is not None:
        if not isinstance(node, list) or address.index >= len(node):
            return MISSING
        node = node[address.index]
    return node


def set_value(data: dict, address: Address, value: object) -> None:
    """Set the value at an existing `address` in plain parsed data (dicts and lists)."""
    node = data
    for key in address.keys[:-1]:
        node = node[key]
    if address.index is None:
        node[address.keys[-1]] = value
    else:
        node[address.keys[-1]][address.index] = value
