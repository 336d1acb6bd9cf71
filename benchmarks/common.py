"""What every benchmark shares: where results go, and the machine they were measured on.

``python -m benchmarks`` (``benchmarks/__main__.py``) sets ``BERTLENS_BENCH_RESULTS`` to send a
run's files elsewhere (its test writes to a temporary folder, so a quick run never overwrites
the committed figures); a script run by hand writes to ``benchmarks/results/``.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["RESULTS", "machine", "result_path"]

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
