"""The one way tests and benchmarks serve the real app: in-process, on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(services, max_size: int = 100, mcp: bool = False):
    """The app built on these Services with the CLI's queue settings, launched; the caller closes it."""
    from components.cli.serve import configure_queue
    from components.ui.shell import build_demo, launch_options

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
