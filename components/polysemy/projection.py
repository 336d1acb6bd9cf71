"""2-D maps with UMAP: only what is there, layers aligned, one fit at a time, cached, warmed.

Design decisions:
- *Only what is there.* Points that are the same vector (layer 0 gives every occurrence of a word
  at the same position the same vector: no context has reached it yet) are mapped once and drawn
  at one spot, never spread out by UMAP's repulsion. A layer with fewer than 5 distinct vectors is
  too little for UMAP's neighbour graph: it is shown as a linear (PCA) map of exactly those points,
  and ``Projection.method`` says so, so the figure can say it too. No layer ever borrows another
  layer's map.
- *Aligned layers.* The last layer is fitted first (PCA initialisation, fixed seed); every other
  layer is fitted from the last layer's coordinates and then Procrustes-rotated (rotation,
  reflection, uniform scale) onto them, so moving the layer slider shows points *moving*. Kept
  over umap-learn's ``AlignedUMAP`` by measurement (``benchmarks/polysemy_bench.py``: real minilm,
  the eight English built-in sets, trustworthiness of each layer's map against that layer's own
  cosine neighbours): 0.855 on average here, 0.863 for ``AlignedUMAP``, 0.861 for independent,
  unaligned fits. The early layers lean a little toward the last layer's clusters (layer 0:
  0.829 here, 0.847 independent), and ``AlignedUMAP`` leans more (0.815). Points move as much
  between adjacent layers (0.62 of the map's radius here, 0.55 for ``AlignedUMAP``, 4.5 for
  unaligned fits). ``AlignedUMAP`` takes 11.8 s per set on two cores (it fits every layer, then
  recompiles its joint layout on every call) against 0.7 s here: a class would wait 12 s for
  every new set, for a difference of 0.008 in trustworthiness.
- *One fit at a time, hits at once.* UMAP and numba are not thread-safe while compiling and
  fitting, so every fit holds ``_FIT_LOCK``; maps live in a bounded single-flight ``Cache`` keyed by
  the points' content, and a cached map is returned without ever touching the lock.
- *Warm, after the port opens.* ``warm_up`` imports UMAP with numba's on-disk cache (``numba_cache``)
  and runs one small fit of each kind. ``python app.py`` opens its port with the light lessons warm and
  then warms UMAP in the background (``start_warm_up``); when the kernels were never compiled here, a
  child process at nice 10 compiles them into the cache first (its memory and interpreter are its own:
  the server's peak and its light requests are untouched), and this process then loads them (about a
  second). Polysemy's first request waits for it (``wait_warm``) and says so. ``python app.py prefetch
  umap`` compiles them at install time instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from components.core.cache import Cache
from components.polysemy import numba_cache
from components.polysemy.numba_cache import import_umap

__all__ = ["MIN_UMAP_POINTS", "SEED", "Projection", "is_warm", "project", "project_layer", "start_warm_up",
           "wait_warm", "warm_up", "warming"]

log = logging.getLogger("bertlens")
ROOT = Path(__file__).resolve().parents[2]
COMPILE = "import os; os.nice(10)\nfrom components.polysemy.projection import warm_up\nwarm_up()\n"

SEED = 42
MIN_UMAP_POINTS = 5  # fewer distinct vectors than this: UMAP's neighbour graph is degenerate
_FIT_LOCK = threading.Lock()
_maps: Cache[Projection] = Cache("polysemy_projections", max_entries=512)
_warm = threading.Event()
_warm_thread: threading.Thread | None = None
_thread_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class Projection:
    """A 2-D map of n points; points with the same ``group`` are the same vector (and the same spot)."""

    coords: np.ndarray  # (n, 2)
    groups: np.ndarray  # (n,) int: index of each point's distinct vector
    method: str  # "umap", or "pca" when there are fewer than MIN_UMAP_POINTS distinct vectors

    @property
    def distinct(self) -> int:
        return int(self.groups.max()) + 1 if len(self.groups) else 0


def _digest(points: np.ndarray) -> str:
    data = np.ascontiguousarray(points, dtype=np.float32)
    return hashlib.blake2b(repr(data.shape).encode() + data.tobytes(), digest_size=16).hexdigest()


def _distinct(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(one row per distinct vector, group of every point); equal up to float32 noise."""
    rounded = np.round(np.asarray(points, dtype=np.float64), 5)
    _, first, groups = np.unique(rounded, axis=0, return_index=True, return_inverse=True)
    return np.asarray(points)[first], groups.reshape(-1)


def _pca(points: np.ndarray) -> np.ndarray:
    centred = points - points.mean(axis=0)
    if not np.any(centred):
        return np.zeros((len(points), 2))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    return coords / max(np.abs(coords).max(), 1e-12) * 10.0  # UMAP's own initial scale


def _run_umap(points: np.ndarray, init: np.ndarray, n_neighbors: int) -> np.ndarray:
    """One UMAP fit (cosine, fixed seed). The only place UMAP runs; the caller holds ``_FIT_LOCK``."""
    umap = import_umap()
    reducer = umap.UMAP(n_neighbors=n_neighbors, min_dist=0.3, metric="cosine", init=init, random_state=SEED,
                        n_epochs=200, transform_seed=SEED)
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    try:
        with warnings.catch_warnings():  # "n_jobs overridden by random_state" and small-data notes
            warnings.simplefilter("ignore")
            return np.asarray(reducer.fit_transform(points), dtype=np.float64)
    finally:  # numba's parallel kernels share the OpenMP pool and reset torch's thread count: the serve
        if threads is not None and torch.get_num_threads() != threads:  # command's per-request budget stays
            torch.set_num_threads(threads)


def _map(points: np.ndarray, init: np.ndarray | None = None) -> Projection:
    """Map the distinct vectors of ``points`` (UMAP from ``init`` or PCA; PCA alone when too few)."""
    unique, groups = _distinct(points)
    if len(unique) < MIN_UMAP_POINTS:
        return Projection(_pca(unique.astype(np.float64))[groups], groups, "pca")
    start = _pca(unique.astype(np.float64))
    if init is not None:  # each distinct vector starts where its points sit on the reference map
        sums = np.zeros((len(unique), 2))
        np.add.at(sums, groups, init)
        guided = sums / np.bincount(groups, minlength=len(unique))[:, None]
        if len(np.unique(np.round(guided, 6), axis=0)) == len(unique):
            start = guided
    with _FIT_LOCK:
        fitted = _run_umap(unique.astype(np.float32), start, min(10, len(unique) - 1))
    return Projection(fitted[groups], groups, "umap")


def _procrustes(coords: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Rotate/reflect/scale ``coords`` onto ``reference`` (both (n, 2))."""
    a = coords - coords.mean(axis=0)
    b = reference - reference.mean(axis=0)
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a < 1e-12 or norm_b < 1e-12:
        return coords
    u, _, vt = np.linalg.svd(a.T @ b)
    return (a @ (u @ vt)) * (norm_b / norm_a) + reference.mean(axis=0)


def _aligned(points: np.ndarray, reference: Projection) -> Projection:
    fitted = _map(points, init=reference.coords if reference.method == "umap" else None)
    return replace(fitted, coords=_procrustes(fitted.coords, reference.coords))


def _frozen(projection: Projection) -> Projection:
    for array in (projection.coords, projection.groups):
        array.setflags(write=False)
    return projection


def project(points: np.ndarray) -> Projection:
    """The map of ``points`` (n, D), cached by their content."""
    return _maps.get_or_compute(("points", _digest(points)), lambda: _frozen(_map(points)))


def project_layer(stack: np.ndarray, layer: int) -> Projection:
    """The map of layer ``layer`` of ``stack`` (n, L+1, D), aligned with the last layer's map."""
    last = stack.shape[1] - 1
    if not 0 <= layer <= last:
        raise IndexError(f"layer {layer} outside 0..{last}")  # the tab clamps the slider: a programming error
    digest = _digest(stack)
    reference = _maps.get_or_compute(("layer", digest, last), lambda: _frozen(_map(stack[:, last])))
    if layer == last:
        return reference
    return _maps.get_or_compute(("layer", digest, layer), lambda: _frozen(_aligned(stack[:, layer], reference)))


def warm_up() -> None:
    """Import UMAP (numba kernels from the disk cache when there) and run both kinds of fit once."""
    if _warm.is_set():
        return
    rng = np.random.default_rng(SEED)
    data = rng.normal(size=(30, 2, 16)).astype(np.float32)
    _aligned(data[:, 0], _map(data[:, 1]))  # not cached: nobody asks for these points
    numba_cache.mark_compiled()
    _warm.set()


def _warm_in_background() -> None:
    started = time.perf_counter()
    cold = not numba_cache.compiled()
    if cold:  # compiled in a child: its memory and its interpreter lock are not the server's
        env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_cache.cache_dir())}
        done = subprocess.run([sys.executable, "-c", COMPILE], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            log.warning("compiling UMAP in a child process failed, compiling here: %s", done.stderr[-500:])
    warm_up()
    log.warning("UMAP ready for Polysemy in %.1fs (%s)", time.perf_counter() - started,
                "compiled into the cache" if cold else "loaded from the cache")


def start_warm_up() -> threading.Thread:
    """Warm UMAP in a daemon thread (idempotent): compiled in a child process first when the cache is cold
    (see the module docstring); ``is_warm()`` says when it is done."""
    global _warm_thread
    with _thread_lock:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=_warm_in_background, name="umap-warm-up", daemon=True)
            _warm_thread.start()
        return _warm_thread


def is_warm() -> bool:
    return _warm.is_set()


def warming() -> bool:
    """A background warm-up is under way (a Polysemy request would wait for it)."""
    thread = _warm_thread
    return thread is not None and thread.is_alive() and not _warm.is_set()


def wait_warm() -> None:
    """Until the background warm-up has finished (or failed: the fit then compiles what it needs itself)."""
    thread = _warm_thread
    if thread is not None:
        thread.join()


def movement(maps: list[np.ndarray]) -> float:
    """Mean distance a point moves between adjacent layers' maps, relative to the map's mean radius:
    how much the layer slider makes points jump (measured by the benchmark and the tests)."""
    steps = []
    for before, after in zip(maps, maps[1:]):
        radius = np.linalg.norm(after - after.mean(axis=0), axis=1).mean()
        steps.append(np.linalg.norm(after - before, axis=1).mean() / max(radius, 1e-12))
    return float(np.mean(steps))
