"""The one way tests serve the real app: in-process, on a free loopback port, closed afterwards."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(config, max_size: int = 100) -> Iterator:
    """The app built from this AppConfig with the CLI's queue settings; yields the launched Blocks."""
    from components.cli.serve import configure_queue
    from components.core.services import Services
    from components.ui.shell import build_demo, launch_options

    demo = configure_queue(build_demo(Services(config)), max_size=max_size)
    demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                **launch_options(demo))
    try:
        yield demo
    finally:
        demo.close()
