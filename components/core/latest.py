"""The newest request of a view wins: an older answer that arrives after a newer one is dropped.

A student moves the layer slider and at once presses Run on a new sentence: two requests of the same
view (the same figure) are in the lane together, and nothing makes them finish in the order they
started (the lane's worker permits are not first-come-first-served, a forward may wait for a batch).
Without this the older answer, arriving last, would be what stays on screen: the previous sentence's
heatmap under the new sentence. Each request takes a ticket when it starts; when it ends, it is shown
only if no request of the same view and session that started later has already been shown.

Design decision: written here because neither Gradio nor its queue orders answers across events:
``trigger_mode`` orders one listener's own events, and ``cancels`` leaves a running function to finish
and show its answer. Keyed by (session, view) with a bounded memory of keys.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["Latest"]


class Latest:
    """Tickets: ``begin`` when a request starts, ``shown`` when it ends (False: a newer one was shown)."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._tickets = itertools.count(1)
        self._shown: OrderedDict[Hashable, int] = OrderedDict()  # key -> the newest ticket shown
        self._lock = threading.Lock()
        self.capacity = capacity

    def begin(self) -> int:
        """A request's ticket: one counter for every key, so a later start always holds a larger ticket."""
        with self._lock:
            return next(self._tickets)

    def shown(self, key: Hashable, ticket: int) -> bool:
        """Record that ``ticket``'s answer is shown, unless a newer one of ``key`` already was (then False)."""
        with self._lock:
            if self._shown.get(key, 0) > ticket:
                return False
            self._shown[key] = ticket
            self._shown.move_to_end(key)
            while len(self._shown) > self.capacity:
                self._shown.popitem(last=False)
            return True
