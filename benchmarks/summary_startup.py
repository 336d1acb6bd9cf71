"""Start-up figures of the summary benchmark (run_all.py): ``python app.py`` as a subprocess, started twice.

Each start is timed to its first HTTP 200 on ``/`` and to the log line ``serve.warm_up`` writes when the models are
loaded and UMAP compiled; then, as soon as the app is ready, the first request to every tab's main endpoint goes
through ``gradio_client`` (one after the other, each timed), and the app's peak resident memory (``VmHWM`` in
``/proc/<pid>/status``) is read once every tab has answered.

Design decision: both starts share one fresh, empty ``NUMBA_CACHE_DIR``. The first start compiles UMAP's kernels
into it and the second loads them, which is what a classroom machine sees the first time and every time after;
using the machine's own cache (``~/.cache/bertlens/numba``) would make "first start" depend on its history.
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


def start_once(numba_dir: Path, calls: dict[str, tuple], timeout: float = 300.0) -> dict:
    """One start of ``python app.py --port P``: seconds to HTTP 200 and to ready, each first request, peak memory."""
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_dir)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines: list[tuple[float, str]] = []
    threading.Thread(target=_read_lines, args=(proc.stdout, started, lines), daemon=True).start()
    result: dict = {"http_200_s": None, "ready_s": None, "first_requests_s": {}, "errors": {}}
    try:
        while time.perf_counter() - started < timeout and proc.poll() is None:
            if result["http_200_s"] is None and _http_ok(url):
                result["http_200_s"] = round(time.perf_counter() - started, 2)
            ready = [(s, line) for s, line in lines if READY_LINE in line]
            if ready and result["ready_s"] is None:
                result["ready_s"] = round(ready[0][0], 2)
                reported = re.search(r"in ([\d.]+)s", ready[0][1])
                result["warm_up_reported_s"] = float(reported.group(1)) if reported else None
            if result["http_200_s"] is not None and result["ready_s"] is not None:
                break
            time.sleep(0.05)
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


def two_starts(numba_dir: Path, calls: dict[str, tuple], timeout: float = 300.0) -> dict[str, dict]:
    """The first start (numba compiles into the empty ``numba_dir``) and the second (it loads from there)."""
    return {"first": start_once(numba_dir, calls, timeout), "second": start_once(numba_dir, calls, timeout)}
