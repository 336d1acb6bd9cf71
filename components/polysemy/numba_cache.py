"""UMAP imported with numba's on-disk cache switched on, so only the very first start compiles it.

umap-learn and pynndescent decorate hundreds of functions with ``numba.njit`` and leave numba's
``cache`` option off, so every new process compiles the kernels a fit needs again: ~10 s on two
cores before the first map can be drawn. Neither library offers a switch for it.

Design decision: while (and only while) ``import_umap`` imports the two libraries, ``numba.jit``
and ``numba.njit`` default to ``cache=True``; every function they decorate then keeps its machine
code in ``NUMBA_CACHE_DIR`` (default ``~/.cache/bertlens/numba``, or ``$XDG_CACHE_HOME/bertlens/
numba``, unless the environment names another directory), and the next process loads it instead
of compiling (measured: the second start's first fit 10.8 s -> 0.1 s). Numba checks every cached
entry against its source file's timestamp and the CPU it was compiled for, so an upgraded
library or another machine recompiles instead of loading stale code. Functions numba refuses to
cache (those taking other jitted functions as arguments) are compiled as before. Decorators
applied outside the import, by anyone else, are left exactly as numba defines them.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

__all__ = ["cache_dir", "compiled", "import_umap", "mark_compiled"]

_LOCK = threading.Lock()


def cache_dir() -> Path:
    """Where numba keeps UMAP's compiled kernels: ``NUMBA_CACHE_DIR`` if set, else under the app's cache."""
    explicit = os.environ.get("NUMBA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bertlens" / "numba"


def _stamp() -> Path:
    """The file that says UMAP's kernels are compiled in ``cache_dir()`` for these library versions."""
    from importlib.metadata import version

    versions = "-".join(version(name) for name in ("umap-learn", "pynndescent", "numba"))
    return cache_dir() / f"bertlens-compiled-{versions}"


def compiled() -> bool:
    """Whether a process has compiled (and used) UMAP's kernels into the cache for these versions."""
    return _stamp().is_file()


def mark_compiled() -> None:
    """Called once a warm-up fit ran: the next start loads the kernels instead of compiling them."""
    _stamp().parent.mkdir(parents=True, exist_ok=True)
    _stamp().touch()


def _cached(decorator: Callable) -> Callable:
    @functools.wraps(decorator)
    def with_cache(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return decorator(*args, **kwargs)

    return with_cache


def import_umap() -> ModuleType:
    """The ``umap`` module, its numba kernels cached on disk (see the module docstring)."""
    with _LOCK:
        if "umap" in sys.modules:
            return sys.modules["umap"]
        os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir()))
        import numba

        if not numba.config.CACHE_DIR:  # numba was imported before the variable was set
            numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
        original = numba.jit, numba.njit
        numba.jit, numba.njit = _cached(numba.jit), _cached(numba.njit)
        try:
            import pynndescent  # noqa: F401 - imported here so its kernels are cached too
            import umap
        finally:
            numba.jit, numba.njit = original
        return umap
