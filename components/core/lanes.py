"""The light and heavy lanes: which requests wait behind which, and how many torch threads run at once.

A *light* request is one forward pass and a figure (Predict, Tokens, Attention, fill-in, next sentence,
Inside a layer); a *heavy* one runs for seconds (UMAP/Polysemy, Integrated Gradients, head scans and
ablation, head roles, dataset evaluation, what fine-tuning changed). Each lane is its own Gradio
concurrency group, so a 30 ms Predict never waits behind another student's 600 ms Explain; the live
training run keeps its own group of one (it trains in a child process at nice 10, see
``components/finetune/live.py``), so a two-minute run never holds a heavy slot.

Design decision: the thread budget counts *workers*, not queue places. torch has one intra-op pool for
the whole process (``torch.set_num_threads`` from any thread changes it for all), so every worker runs
``threads = cores // (light workers + heavy workers)`` threads and the lanes never run more than
``(light workers + heavy workers) * threads <= cores`` torch threads together. A heavy slot is a worker.
The light lane lets more requests in than it has workers (``slots``), because a request that waits for
a forward it shares (``components/core/batching.py``) computes nothing: each light request holds one of
the lane's worker permits while it runs and gives it back while it waits (``waiting()``), so that
requests arriving together meet in one batched forward and at most ``workers`` of them compute.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Budget", "Lane", "WorkerPermits", "apply", "current", "plan", "waiting"]

_local = threading.local()

LIGHT_SLOTS_PER_WORKER = 16  # light requests let in per worker: a class's burst meets in one or two batches


@dataclass(frozen=True)
class Lane:
    """One Gradio concurrency group: ``slots`` requests inside at once, ``workers`` of them computing."""

    name: str  # the Gradio concurrency_id
    slots: int  # Gradio's concurrency_limit for the group
    workers: int  # requests that may run torch at once (light: permits; heavy: every slot)


@dataclass(frozen=True)
class Budget:
    """The lanes of one server and the torch threads each worker runs."""

    cores: int
    threads: int  # torch threads per worker (process-wide: one pool)
    light: Lane
    heavy: Lane
    training: Lane  # the live run's own group: one run at a time, in a child process at nice 10, 1 thread

    @property
    def torch_threads(self) -> int:
        """Threads the server's own workers may run at once (the training child runs at nice 10 beside them)."""
        return (self.light.workers + self.heavy.workers) * self.threads


def plan(concurrency: int = 2, cores: int | None = None, threads: int | None = None) -> Budget:
    """``concurrency`` workers in all (``--concurrency``), never more than the cores, half light (rounded up)
    and half heavy, at least one each (so on a single core the two share it); ``threads`` per worker is the
    cores shared out among them unless given (``--torch-threads`` is taken as asked)."""
    cores = max(1, cores or os.cpu_count() or 1)
    workers = max(2, min(concurrency, cores))
    heavy = workers // 2
    light = workers - heavy
    threads = threads or max(1, cores // workers)
    return Budget(cores=cores, threads=threads, light=Lane("light", light * LIGHT_SLOTS_PER_WORKER, light),
                  heavy=Lane("heavy", heavy, heavy), training=Lane("training", 1, 1))


def apply(budget: Budget) -> None:
    """Set torch's (process-wide) thread count for this server's workers (``python app.py``, the tests' and
    benchmarks' servers: ``components/ui/serving.py``)."""
    import torch

    torch.set_num_threads(budget.threads)


class WorkerPermits:
    """A lane's worker permits: a request computes while it holds one and gives it back while it waits."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self._free = threading.Semaphore(lane.workers)
        self._lock = threading.Lock()
        self.inside = 0  # requests inside the lane (computing or waiting): a batch is worth waiting for when > 1

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if current() is self:  # already computing in this lane (a handler calling another): no second permit
            yield
            return
        with self._lock:
            self.inside += 1
        self._free.acquire()
        previous, _local.permits = getattr(_local, "permits", None), self
        try:
            yield
        finally:
            _local.permits = previous
            self._free.release()
            with self._lock:
                self.inside -= 1

    def wrap(self, fn: Callable) -> Callable:
        """``fn`` run holding a permit (what the light lane's events call)."""
        @functools.wraps(fn)
        def in_lane(*args, **kwargs):
            with self.held():
                return fn(*args, **kwargs)

        in_lane.lane_permits = self  # how tests/test_concurrency.py tells a light event computes within the budget
        return in_lane


def current() -> WorkerPermits | None:
    """The permits the calling thread holds one of, if it runs in a lane that has them."""
    return getattr(_local, "permits", None)


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """Around a wait for another request's work (a shared forward, a single-flight cache entry): the
    calling thread's permit goes back while it waits, so the one it waits for can compute."""
    held = current()
    if held is None:
        yield
        return
    held._free.release()
    _local.permits = None
    try:
        yield
    finally:
        held._free.acquire()
        _local.permits = held
