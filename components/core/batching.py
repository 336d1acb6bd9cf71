"""Micro-batching: concurrent requests for the same model and kind of pass share one padded forward.

When a class presses Predict together, thirty single forwards one after another cost thirty times
one; one padded forward of thirty short sentences costs a few. ``Batcher.submit`` lets a request
join the batch that is open for its key (model and kind of pass); the first request of a batch leads
it: it waits a few milliseconds for the others (only when other requests are inside its lane, see
``components/core/lanes.py``), then runs the batch and hands every member its own result.

Design decision: our batcher, not Gradio's ``batch=True``. Read in Gradio 6.31 (``queueing.py``
``process_events`` and ``blocks.py`` ``process_api``), a Gradio batch 1) runs with ``event_id = None``,
so a ``gr.Warning`` (a truncated input, a typed [SEP]) or a ``gr.Progress`` of one request reaches no
student; 2) fails every request of the batch when one raises, so one student's Chinese text on the
English classifier would show every student that error; 3) preprocesses every request with the first
request's ``SessionState``, so the ``gr.State`` inputs every tab reads (the session's language, the
browser's own live-trained classifier) would be the first student's for everyone in the batch; and
4) batches one event function at a time, so Run and Enter on the same tab, or Tokens and Attention
on the same model, never share a forward. Here each request keeps its own event (its language, its
warnings, its errors: everything but the forward runs in its own thread) and the batch is the forward
alone, for whatever reached ``analyze`` on the same model.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from components.core.lanes import current, waiting

__all__ = ["Batcher"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Batch(Generic[T, R]):
    items: list[T] = field(default_factory=list)
    joined: threading.Condition = field(default_factory=threading.Condition)
    done: threading.Event = field(default_factory=threading.Event)
    results: list[R] | None = None
    error: BaseException | None = None


class Batcher(Generic[T, R]):
    """Groups concurrent ``submit(key, item)`` calls into one ``run(key, items) -> results`` call.

    ``admit(items, item)`` says whether ``item`` may join a batch already holding ``items`` (a bound on
    rows and padded size); an item that may not starts the next batch. ``window`` is the longest a
    leader waits for others to join.
    """

    def __init__(self, run: Callable[[Hashable, list[T]], list[R]], admit: Callable[[list[T], T], bool],
                 window: float = 0.01) -> None:
        self._run = run
        self._admit = admit
        self.window = window
        self._open: dict[Hashable, _Batch[T, R]] = {}
        self._lock = threading.Lock()
        self.sizes: Counter[int] = Counter()  # how many batches ran of each size (tests and benchmarks read it)

    def submit(self, key: Hashable, item: T) -> R:
        with self._lock:
            batch = self._open.get(key)
            leader = batch is None or not self._admit(batch.items, item)
            if leader:
                batch = self._open[key] = _Batch()
            index = len(batch.items)
            with batch.joined:
                batch.items.append(item)
                batch.joined.notify_all()
        if leader:
            self._lead(key, batch)
        else:
            with waiting():  # the leader may need this request's worker permit to run the batch
                batch.done.wait()
        if batch.error is not None:
            raise batch.error
        return batch.results[index]

    def _lead(self, key: Hashable, batch: _Batch[T, R]) -> None:
        permits = current()
        if permits is not None and permits.inside > 1:  # others are in the lane: give them a moment to join
            deadline = time.monotonic() + self.window
            with waiting(), batch.joined:
                while len(batch.items) < permits.inside and (left := deadline - time.monotonic()) > 0:
                    batch.joined.wait(left)
        with self._lock:
            if self._open.get(key) is batch:
                del self._open[key]  # closed: later requests start the next batch
        try:
            batch.results = self._run(key, batch.items)
            self.sizes[len(batch.items)] += 1
        except BaseException as exc:  # noqa: BLE001 - every member gets the failure (re-raised), none waits forever
            batch.error = exc
        finally:
            batch.done.set()
