"""The live mini-run as the server sees it: a worker process per run, its progress, Cancel, and the
classifier it leaves for one browser session.

Design decision: each run trains in its own process (``multiprocessing`` forkserver, with torch,
transformers and peft imported once in the fork server, so a run starts in about a second).
``torch.set_num_threads`` is not a per-request knob: it sets the OpenMP/MKL pools shared by the
whole server process (measured: a thread that sets 1 changes what threads started later get, and
setting it back from another thread changes the trainer too). A separate process gets exactly one
torch thread and a lower CPU priority (nice 10) without touching the threads that answer
Predict, Attention and Tokens, and everything it allocates is returned when it exits, so ten runs
cannot grow the server. Cancel sets an Event the worker checks before every step and every
batch; if it has not stopped one second later it is terminated. The classifier is written under
a per-server temporary directory, one folder per session, never under assets/, and deleted (and
dropped from the caches) when the session ends or the session trains a newer one.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.finetune.runspec import BATCH_SIZE, METHODS, RunSpec

__all__ = ["BATCH_SIZE", "BUDGET", "LiveTrainer", "Progress", "clamp_budget", "find_training_data", "live_base"]

log = logging.getLogger("bertlens")

BUDGET = (500, 4000, 2000)  # min, max, default training examples
STOP_GRACE = 0.5  # seconds a worker may take to notice Cancel before it is terminated (stopped within 1 s)
NICE = 10  # the worker yields the CPU to the class's requests
LOCAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "goemotions"
PRELOAD = ["torch", "transformers", "peft", "components.finetune.minirun"]


def find_training_data(local: Path = LOCAL_DATA) -> str:
    """The GoEmotions source a live run reads: ../shared/data/goemotions beside the repository, else the
    Hub dataset when the Hub answers; with neither, a UserError that says what is missing and how to get it."""
    from components.core.models import hub_endpoint, hub_offline, hub_reachable
    from components.finetune.data import GOEMOTIONS_HUB_ID

    if all((local / name).is_file() for name in ("train.tsv", "dev.tsv", "emotions.txt")):
        return str(local)
    if hub_reachable():
        return GOEMOTIONS_HUB_ID
    why = Msg("ft_live_why_offline") if hub_offline() else Msg("ft_live_why_unreachable", endpoint=hub_endpoint())
    raise UserError("ft_live_no_data", path=str(local), why=why, hub_id=GOEMOTIONS_HUB_ID)


def live_base(classifier: str | Path | None, default: str) -> str:
    """The encoder a live run adapts: the one the app's classifier was trained from (read from its
    classifier.json, without loading it), so the class compares like with like; else the default model."""
    import json

    from components.core.classifier import SHIPPED_CLASSIFIER

    try:
        info = json.loads((Path(classifier or SHIPPED_CLASSIFIER) / "classifier.json").read_text(encoding="utf-8"))
        return str(info["base_model"])
    except (OSError, ValueError, KeyError, TypeError):
        return default


def clamp_budget(value) -> tuple[int, Msg | None]:
    """A budget in [500, 4000] and, when the request asked for another number, the message that says so."""
    low, high, default = BUDGET
    if value is None or value == "":
        return default, None
    try:
        asked = float(value)
    except (TypeError, ValueError):
        raise UserError("ft_live_budget_nan", lo=f"{low:,}", hi=f"{high:,}") from None
    if asked != asked:  # NaN
        raise UserError("ft_live_budget_nan", lo=f"{low:,}", hi=f"{high:,}")
    used = int(min(max(round(asked), low), high))
    if used == asked:
        return used, None
    return used, Msg("ft_live_budget_clamped", asked=f"{asked:,.0f}", lo=f"{low:,}", hi=f"{high:,}", used=f"{used:,}")


@dataclass
class Progress:
    """The state of one run, as the tab draws it after every update."""

    method: str
    budget: int
    phase: str = "load"  # load, dev, features, train, after, save, done, cancelled
    done: int = 0
    total: int = 0
    losses: list[float] = field(default_factory=list)
    steps: int = 0  # optimisation steps planned
    before: float | None = None
    summary: dict | None = None  # the worker's summary once done
    classifier: str | None = None  # the directory Predict now uses (phase "done")


@dataclass
class _Run:
    process: multiprocessing.process.BaseProcess
    stop: object  # a multiprocessing Event
    out: Path
    state: Progress
    cancelled: bool = False


class LiveTrainer:
    """Runs live mini-runs for the sessions of one app (one at a time: the tab's concurrency group says so)."""

    def __init__(self, base: str, find_data: Callable[[], str] = find_training_data,
                 on_discard: Callable[[Path], None] | None = None, root: Path | None = None) -> None:
        self.base = base
        self.find_data = find_data
        self.on_discard = on_discard or (lambda _path: None)
        self.root = Path(root or tempfile.mkdtemp(prefix="bertlens-live-"))
        weakref.finalize(self, shutil.rmtree, str(self.root), True)
        self._lock = threading.Lock()
        self._running: dict[str, _Run] = {}
        self._current: dict[str, Path] = {}  # session -> its classifier directory
        self._counter = itertools.count(1)
        self._dev_features: Cache = Cache("finetune-live-dev-features", max_entries=4)

    @property
    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def classifier_of(self, session: str) -> Path | None:
        with self._lock:
            return self._current.get(session)

    def run(self, session: str, method: str, budget: int) -> Iterator[Progress]:
        """Train in a worker process and yield its progress; the last update is "done" or "cancelled".

        Closing the generator (Gradio's cancel, a browser that left) stops the worker like Cancel does.
        """
        from components.finetune.minirun import child_main

        if method not in METHODS:
            raise UserError("ft_live_method_unknown", method=str(method)[:40], choices=list(METHODS))
        data = self.find_data()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        out = self._session_dir(session) / f"run-{next(self._counter)}"
        key = (self.base, data)
        spec = RunSpec(method=method, budget=budget, data=data, base=self.base, out=str(out),
                       dev_features=self._dev_features.get(key))
        inbox, stop = context.Queue(), context.Event()
        process = context.Process(target=child_main, args=(spec, inbox, stop, NICE), daemon=True,
                                  name=f"bertlens-live-{method}")
        state, handle, finished = Progress(method=method, budget=budget), None, False
        try:
            with self._lock:
                if session in self._running:  # one run per session (the queue already serialises the server)
                    raise UserError("ft_live_already")
                process.start()
                handle = self._running[session] = _Run(process, stop, out, state)
            yield replace(state)
            last = 0.0
            while True:
                try:
                    message = inbox.get(timeout=0.2)
                except queue.Empty:
                    if process.exitcode is not None and inbox.empty():
                        if handle.cancelled:
                            state.phase = "cancelled"
                            break
                        raise RuntimeError(f"live training worker exited with {process.exitcode}") from None
                    continue
                kind = message[0]
                if kind == "dev_features":
                    self._dev_features.put(key, message[1])
                    continue
                if kind == "user_error":
                    raise UserError(message[1], **message[2])
                if kind == "error":
                    raise RuntimeError(f"live training failed in the worker:\n{message[1]}")
                _apply(state, message)
                if state.phase in ("done", "cancelled"):
                    break
                now = time.monotonic()
                if kind != "step" or now - last > 0.4 or state.done == state.total:
                    last = now
                    yield replace(state, losses=list(state.losses))
            if state.phase == "done":
                finished = True
                state.classifier = str(out)
                self._adopt(session, out)
            yield state
        finally:
            if handle is not None:
                self._stop(handle)
                with self._lock:
                    self._running.pop(session, None)
            inbox.close()
            if not finished:
                shutil.rmtree(out, ignore_errors=True)

    def cancel(self, session: str) -> Progress | None:
        """Stop this session's run (within a second) and return how far it got; None when none was running."""
        with self._lock:
            handle = self._running.get(session)
        if handle is None:
            return None
        self._stop(handle)
        return replace(handle.state, losses=list(handle.state.losses))

    def forget(self, session: str) -> None:
        """The session goes back to the shipped classifier: its own is deleted."""
        with self._lock:
            old = self._current.pop(session, None)
        if old is not None:
            self._discard(old)

    def end_session(self, session: str) -> None:
        """The browser left: stop its run, delete its classifier."""
        self.cancel(session)
        self.forget(session)
        shutil.rmtree(self._session_dir(session, create=False), ignore_errors=True)

    def _adopt(self, session: str, out: Path) -> None:
        with self._lock:
            old, self._current[session] = self._current.get(session), out
        if old is not None and old != out:
            self._discard(old)

    def _discard(self, directory: Path) -> None:
        from components.core.classifier import forget_classifier

        forget_classifier(directory)
        self.on_discard(directory)
        shutil.rmtree(directory, ignore_errors=True)

    @staticmethod
    def _stop(handle: _Run) -> None:
        handle.cancelled = True
        handle.stop.set()
        handle.process.join(STOP_GRACE)
        if handle.process.exitcode is None:
            log.info("live worker %s still busy %.1fs after Cancel: terminated", handle.process.pid, STOP_GRACE)
            handle.process.terminate()
            handle.process.join(5)

    def _session_dir(self, session: str, create: bool = True) -> Path:
        """One folder per session, named by a hash (a session id is client-chosen text, never a path)."""
        path = self.root / hashlib.sha256(session.encode("utf-8", "replace")).hexdigest()[:16]
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path


def _apply(state: Progress, message: tuple) -> None:
    kind = message[0]
    if kind == "phase":
        state.phase, state.done, state.total = message[1], message[2], message[3]
    elif kind == "before":
        state.before = message[1]
    elif kind == "step":
        state.phase, state.done, state.total, state.steps = "train", message[1], message[2], message[2]
        state.losses.append(message[3])
    elif kind == "done":
        state.phase, state.summary = "done", message[1]
    elif kind == "cancelled":
        state.phase = "cancelled"
