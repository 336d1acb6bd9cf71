"""How the app is queued and served: the one helper ``python app.py``, the tests and the benchmarks share.

Design decision: tests and benchmarks serve the real app through this module, not through each other
(no benchmark imports a test module and no test imports a benchmark: ``tests/test_layout.py``), so a
request in a test or a benchmark meets the same queue as a student's request on ``python app.py``.
Nothing here imports gradio or the lessons at import time.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator

__all__ = ["CHROMIUM_ARGS", "chromium", "configure_queue", "endpoint", "free_port", "launch", "serve"]

# How the tests and benchmarks run Debian's Chromium (never a browser download): headless, no sandbox, nothing
# fetched in the background.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic")


def chromium() -> str | None:
    """Debian's Chromium (``apt-get install -y chromium``), if it is installed."""
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A free loopback port (for an app launched in-process or in a subprocess)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_queue(demo, max_size: int):
    """Up to ``max_size`` requests wait in line and see their place in the queue instead of timing out;
    how many compute at once is set per lane by the tabs (``components/core/lanes.py``)."""
    return demo.queue(default_concurrency_limit=None, max_size=max_size)


def launch(services, max_size: int = 100, mcp: bool = False):
    """The app built on these Services with the CLI's queue settings, launched on a free loopback port;
    the caller closes it."""
    from components.core.lanes import apply
    from components.ui.shell import build_demo, launch_options

    apply(services.budget)  # the torch threads python app.py sets
    demo = configure_queue(build_demo(services), max_size=max_size)
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                **launch_options(demo, mcp=mcp))
    return demo


@contextlib.contextmanager
def serve(config, max_size: int = 100, mcp: bool = False) -> Iterator:
    """The app built from this AppConfig, launched for the ``with`` block and closed afterwards."""
    from components.core.services import Services

    demo = launch(Services(config), max_size, mcp=mcp)
    try:
        yield demo
    finally:
        demo.close()


def endpoint(demo, api_name: str) -> Callable:
    """The function behind a named endpoint of a built app (e.g. the live trainer behind ``/train``)."""
    return next(f.fn for f in demo.fns.values() if f.api_name == api_name)
