"""BERT Lens: a Gradio app that shows how BERT reads. Entry point for the app and its CLI.

    python app.py                 serve the app (same as `python app.py serve`)
    python app.py prefetch        download models and vectors so a classroom can run offline
    python app.py --help          every command: train, evaluate, embed, ...

Design decision: this file only wires. The UI shell lives in ``components/ui``, each lesson in
its own folder under ``components/``, the command line in ``components/cli``; nothing is loaded
at import time, so ``import app`` is cheap (Spaces and tests import it).
"""

from __future__ import annotations

import sys


def build_demo(services=None):
    """The whole app (a ``gr.Blocks``) around a ``Services`` object; nothing is loaded yet."""
    from components.ui.shell import build_demo as build

    return build(services)


def main(argv: list[str] | None = None) -> int:
    from components.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
