"""``python app.py prefetch [NAMES]``: fill the caches so a classroom can run offline."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from components.core.models import PRESETS, prefetch_model
    from components.polysemy.static_vectors import prefetch_glove

    failed = 0
    for name in args.names or [*PRESETS, "glove"]:
        try:
            print(f"glove: {prefetch_glove()}" if name == "glove" else prefetch_model(name))
        except (ValueError, OSError) as exc:
            failed += 1
            print(f"error: {name}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def register(sub) -> None:
    parser = sub.add_parser("prefetch", help="download models (and vectors) into the cache for offline use")
    parser.add_argument("names", nargs="*",
                        help="presets, Hub ids or 'glove' (GloVe 6B 100d); default: every preset and glove")
    parser.set_defaults(func=run)
