"""Start-up figures of the summary benchmark (run_all.py): ``python app.py`` as a subprocess, started twice.

Each start is timed to its first HTTP 200 on ``/``: *ready*, since the port opens once the light lessons are warm
(``serve.warm_up``'s log line comes just before); UMAP is then prepared in the background, and the log line it
writes when done is timed too. As soon as the app is ready, the first request to every tab's main endpoint goes
through ``gradio_client`` (one after the other, each timed: Polysemy's waits for UMAP), then every other lesson's
endpoint once (head roles, bertviz, the head scan, what fine-tuning changed), and the app's peak resident memory
(``VmHWM`` in ``/proc/<pid>/status``) is read once every lesson has answered.

Design decision: both starts share one fresh, empty ``NUMBA_CACHE_DIR`` and ``XDG_CACHE_HOME`` (where head roles are
kept). The first start compiles UMAP's kernels into it and the second loads them, which is what a classroom machine
sees the first time and every time after; using the machine's own caches (``~/.cache/bertlens``) would make "first
start" depend on their history.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from components.ui.serving import free_port

ROOT = Path(__file__).resolve().parents[1]
READY_LINE = "BERT Lens ready"  # logged by components/cli/serve.py warm_up() before the port opens
UMAP_LINE = "UMAP ready for Polysemy"  # logged by components/polysemy/projection.py once UMAP is warm


def _read_lines(stream, started: float, lines: list[tuple[float, str]]) -> None:
    for line in iter(stream.readline, ""):
        lines.append((time.perf_counter() - started, line.rstrip()))


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def memory_kb(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) for key in ("VmHWM", "VmRSS")}


def _line_time(lines: list[tuple[float, str]], text: str) -> float | None:
    return next((round(s, 2) for s, line in lines if text in line), None)


def start_once(caches: Path, calls: dict[str, tuple], others: dict[str, tuple] | None = None,
               timeout: float = 300.0) -> dict:
    """One start of ``python app.py --port P``: seconds to HTTP 200 (ready), each first request, UMAP ready, peak
    memory once every lesson answered."""
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(caches / "numba"), "XDG_CACHE_HOME": str(caches)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines: list[tuple[float, str]] = []
    threading.Thread(target=_read_lines, args=(proc.stdout, started, lines), daemon=True).start()
    result: dict = {"http_200_s": None, "ready_s": None, "first_requests_s": {}, "errors": {}}
    try:
        while time.perf_counter() - started < timeout and proc.poll() is None:
            if _http_ok(url):
                result["http_200_s"] = result["ready_s"] = round(time.perf_counter() - started, 2)
                break
            time.sleep(0.05)
        result["warm_up_logged_s"] = _line_time(lines, READY_LINE)
        if result["http_200_s"] is None:
            result["errors"]["start"] = "no HTTP 200 within the time limit; last lines: " + " | ".join(
                line for _s, line in lines[-5:])
            return result
        client_started = time.perf_counter()
        client = Client(url, verbose=False)
        result["client_connect_s"] = round(time.perf_counter() - client_started, 2)
        for endpoint, args in calls.items():
            call_started = time.perf_counter()
            try:
                client.predict(*args, api_name=endpoint)
            except Exception as exc:  # noqa: BLE001 - an endpoint that fails is reported, the others still run
                result["errors"][endpoint] = f"{type(exc).__name__}: {exc}"[:300]
            result["first_requests_s"][endpoint] = round(time.perf_counter() - call_started, 2)
        for endpoint, args in (others or {}).items():  # every other lesson once: what the peak must hold
            try:
                client.predict(*args, api_name=endpoint)
            except Exception as exc:  # noqa: BLE001
                result["errors"][endpoint] = f"{type(exc).__name__}: {exc}"[:300]
        while _line_time(lines, UMAP_LINE) is None and time.perf_counter() - started < timeout:
            time.sleep(0.1)
        result["umap_ready_s"] = _line_time(lines, UMAP_LINE)
        memory = memory_kb(proc.pid)
        result["peak_memory_mb"] = round(memory["VmHWM"] / 1024)
        result["memory_now_mb"] = round(memory["VmRSS"] / 1024)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return result


def two_starts(caches: Path, calls: dict[str, tuple], others: dict[str, tuple] | None = None,
               timeout: float = 300.0) -> dict[str, dict]:
    """The first start (numba compiles into the empty ``caches``) and the second (it loads from there)."""
    return {"first": start_once(caches, calls, others, timeout), "second": start_once(caches, calls, others, timeout)}
