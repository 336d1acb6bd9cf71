"""The command line: ``python app.py COMMAND``; one module per command group, argparse throughout.

Design decision: each command module exposes ``register(subparsers)``; this package only lists
them. With no command (or only options), ``serve`` runs, so ``python app.py`` starts the app.
Commands that print results for scripts take ``--json`` and read many inputs from ``--input
FILE.jsonl`` with the model loaded once.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

__all__ = ["COMMANDS", "main", "make_parser"]

COMMANDS = ("serve", "prefetch", "train", "embed", "predict", "explain", "fill_mask", "heads", "layer")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="BERT Lens: see how BERT reads. "
                                     "With no command, serves the app.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"components.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in {"-h", "--help"}):
        argv.insert(0, "serve")
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    return args.func(args)
