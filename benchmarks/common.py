"""What every benchmark shares: where results go, and the machine they were measured on.

``python -m benchmarks`` (``benchmarks/__main__.py``) sets ``BERTLENS_BENCH_RESULTS`` to send a
run's files elsewhere (its test writes to a temporary folder, so a quick run never overwrites
the committed figures); a script run by hand writes to ``benchmarks/results/``.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

__all__ = ["RESULTS", "in_turn", "machine", "result_path", "timed_in_turn"]

RESULTS = Path(__file__).resolve().parent / "results"


def result_path(name: str) -> Path:
    """``<results>/<name>.json``; the folder is created."""
    folder = Path(os.environ.get("BERTLENS_BENCH_RESULTS") or RESULTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.json"


def machine() -> dict:
    """The machine a figure belongs to (cores, versions); the load average is taken by the caller."""
    import torch

    try:
        import gradio
        gradio_version = gradio.__version__
    except ImportError:  # pragma: no cover - gradio is a requirement
        gradio_version = None
    return {"platform": platform.platform(), "cpu_cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "gradio": gradio_version}


def timed_in_turn(first, second, repeats: int, before=None) -> tuple[list[float], list[float]]:
    """Milliseconds of ``first`` and ``second`` timed one after the other, ``repeats`` times each (after a
    warm-up of each; ``before()`` runs untimed ahead of every call): on a shared machine a busy neighbour
    slows both alike, where a block of one then a block of the other measures the neighbour as much as the
    code."""
    for fn in (first, second):
        if before:
            before()
        fn()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for out, fn in zip(times, (first, second)):
            if before:
                before()
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return times


def in_turn(first, second, repeats: int) -> tuple[float, float]:
    """Medians (ms) of ``first`` and ``second`` timed in turn (``timed_in_turn``)."""
    first_ms, second_ms = timed_in_turn(first, second, repeats)
    return statistics.median(first_ms), statistics.median(second_ms)
