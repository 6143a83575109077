"""A least-recently-used cache bounded by the bytes its values hold, not by their count.

A cached chart page is 0.4 MB and a cached chart a few kB; a table's derived values run from a
flag to a slice of megabytes: a count bound is either far too loose for the one or far too
tight for the other. Each value's size is estimated once, when it is stored, by walking what it
holds (``sizeof``); the least recently used values are dropped until the total is within
``max_bytes``. Used by the table cache's memo (:mod:`indicators.contract.store`) and the
dashboard's caches (:mod:`indicators.dashboard.state`).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

V = TypeVar("V")
ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None))
SKIP = (type, type(sys), type(len), type(lambda: 0))  # classes, modules, functions: shared


def _frame_bytes(obj: pd.DataFrame | pd.Series | pd.Index) -> int:
    usage = obj.memory_usage(deep=True)
    return int(usage.sum()) if isinstance(usage, pd.Series) else int(usage)


def _held(obj: Any) -> list[Any]:
    """What a container or object refers to (its items, or its attributes)."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, list | tuple | set | frozenset):
        return list(obj)
    held = [vars(obj)] if hasattr(obj, "__dict__") else []
    slots = (name for cls in type(obj).__mro__ for name in getattr(cls, "__slots__", ()))
    return held + [getattr(obj, name, None) for name in slots]


def sizeof(value: Any) -> int:
    """Bytes a value holds, estimated: Python objects by ``sys.getsizeof``, frames and arrays
    by their buffers, each object counted once. Plotly figures count as their data and
    layout; classes, modules and functions (shared by every value) not at all."""
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, SKIP):
            continue
        seen.add(id(obj))
        if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
            total += _frame_bytes(obj)
        elif isinstance(obj, np.ndarray):
            total += int(obj.nbytes)
        elif hasattr(obj, "_data") and hasattr(obj, "_layout") and hasattr(obj, "to_dict"):
            # a plotly figure: its state is two plain structures (validators are shared)
            stack.extend([obj._data, obj._layout])
        else:
            total += sys.getsizeof(obj)
            if not isinstance(obj, ATOMS):
                stack.extend(_held(obj))
    return total


class ByteLRU(Generic[V]):
    """Values by key, the least recently used dropped first beyond ``max_bytes`` in total."""

    def __init__(self, max_bytes: int, size: Callable[[Any], int] = sizeof) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(
        self, key: Hashable, make: Callable[[], V], fresh: Callable[[V], bool] | None = None
    ) -> V:
        """The value for ``key``, made (outside the lock) and stored on a miss, or where
        ``fresh`` says the stored one no longer holds."""
        with self._lock:
            found = self._items.get(key)
            if found is not None and (fresh is None or fresh(found[0])):
                self._items.move_to_end(key)
                self.hits += 1
                return found[0]
            if found is not None:
                del self._items[key]
                self.bytes -= found[1]
            self.misses += 1
        value = make()
        size = self._size(value) + sizeof(key)
        with self._lock:
            if key not in self._items and size <= self.max_bytes:
                self._items[key] = (value, size)
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self.bytes -= dropped
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)
