"""``python app.py prefetch [NAMES]``: fill the caches so a classroom can run offline (and, with ``umap``, so
that even the first start finds UMAP's kernels compiled: ``components/polysemy/numba_cache.py``)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from components.core.models import PRESETS, prefetch_model
    from components.polysemy.static_vectors import prefetch_glove

    failed = 0
    for name in args.names or [*PRESETS, "glove", "umap"]:
        try:
            if name == "umap":
                print(f"umap: {prefetch_umap()}")
            else:
                print(f"glove: {prefetch_glove()}" if name == "glove" else prefetch_model(name))
        except (ValueError, OSError) as exc:
            failed += 1
            print(f"error: {name}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def prefetch_umap() -> str:
    """Compile UMAP's kernels into numba's cache (a minute on two cores, once per machine and version)."""
    from components.polysemy import numba_cache, projection

    projection.warm_up()
    return str(numba_cache.cache_dir())


def register(sub) -> None:
    parser = sub.add_parser("prefetch", help="download models (and vectors) into the cache for offline use")
    parser.add_argument("names", nargs="*",
                        help="presets, Hub ids, 'glove' (GloVe 6B 100d) or 'umap' (compile UMAP's kernels); "
                             "default: every preset, glove and umap")
    parser.set_defaults(func=run)
