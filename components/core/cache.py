"""The one cache: bounded, single-flight, thread-safe. Models, classifiers, analyses, projections,
static vectors and rendered figures all live in instances of ``Cache``.

Design decision: *single flight*. When thirty students press the same example at once, the
first request computes and the other twenty-nine wait for its result instead of computing it
again; a failure is handed to every waiter and is not cached. The lock guards only the
bookkeeping: it is never held while computing, so a hit is served at once even while another
key is being computed (a cached UMAP map never waits behind another request's fit).

Bounded by entries and/or by bytes (``size`` tells what a value weighs), evicting the least
recently used; a single value larger than the byte budget is still returned, but not kept.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from components.core.lanes import waiting

__all__ = ["Cache", "CacheStats", "clear_all"]

V = TypeVar("V")
_INSTANCES: weakref.WeakSet[Cache] = weakref.WeakSet()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0  # calls that computed
    waits: int = 0  # calls that waited for another caller's computation (single flight)
    errors: int = 0


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    value: object = None
    error: BaseException | None = None


class Cache(Generic[V]):
    """LRU with single-flight ``get_or_compute``; see the module docstring."""

    def __init__(self, name: str, *, max_entries: int | None = None, max_bytes: int | None = None,
                 size: Callable[[V], int] | None = None) -> None:
        if max_entries is None and max_bytes is None:
            raise ValueError(f"cache {name!r} needs a bound (max_entries or max_bytes)")
        self.name = name
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size or (lambda _value: 0)
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.stats = CacheStats()
        _INSTANCES.add(self)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    @property
    def nbytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> V | None:
        """The cached value or None; never computes."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            self.stats.hits += 1
            return item[0]

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                self.stats.hits += 1
                return item[0]
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = _Flight()
                self.stats.misses += 1
            else:
                self.stats.waits += 1
        if not owner:
            with waiting():  # a light request gives its worker permit back while another computes for it
                flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value  # type: ignore[return-value]
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                self.stats.errors += 1
                del self._flights[key]
            flight.error = exc
            flight.done.set()
            raise
        with self._lock:
            self._store(key, value)
            del self._flights[key]
        flight.value = value
        flight.done.set()
        return value

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._store(key, value)
        return value

    def _store(self, key: Hashable, value: V) -> None:
        weight = int(self._size(value))
        if self.max_bytes is not None and weight > self.max_bytes:
            return  # larger than the whole budget: hand it out, do not keep it
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._items[key] = (value, weight)
        self._bytes += weight
        while self._items and ((self.max_entries is not None and len(self._items) > self.max_entries)
                               or (self.max_bytes is not None and self._bytes > self.max_bytes)):
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= dropped

    def pop(self, key: Hashable) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.stats = CacheStats()


def clear_all() -> None:
    """Empty every cache (tests and benchmarks that must measure a cold path)."""
    for cache in list(_INSTANCES):
        cache.clear()
