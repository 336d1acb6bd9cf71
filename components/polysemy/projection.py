"""2-D projections with UMAP: a lock, a fixed seed, layer-aligned maps, a cache, a warm-up.

Design decision (aligned layers): the *last* layer is fitted first (PCA initialisation, fixed
seed) and becomes the reference map; every other layer is fitted with UMAP initialised from the
reference coordinates and then Procrustes-rotated (rotation, reflection, uniform scale) onto
them. Initialising keeps a point near where it sits in the reference unless that layer's
neighbourhoods pull it elsewhere; Procrustes removes the arbitrary rotation UMAP may still add.
So moving the layer slider shows points *moving*, not a new random picture. We preferred this
to one fit on all layers stacked, where layers with different norms form separate islands and
each layer gets a fraction of the plot, and to independent per-layer fits, whose orientation
is arbitrary. Fits are lazy (a layer is fitted when first shown) and cached by
(caller's key, layer), so the first view costs at most two fits.

UMAP and numba are not thread-safe during compilation and fitting, so every fit holds one lock.
``start_warm_up`` compiles numba's kernels in a background thread at start-up (tens of seconds
on 2 cores) so that no student pays for it.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Hashable

import numpy as np

__all__ = ["SEED", "clear_projection_cache", "is_warm", "project", "project_layer", "start_warm_up", "warm_up"]

SEED = 42
MIN_UMAP_POINTS = 5  # below this UMAP's neighbour graph is degenerate: PCA is shown instead
_lock = threading.Lock()
_warm = threading.Event()
_warm_thread: threading.Thread | None = None
_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
_CACHE_SIZE = 512


def clear_projection_cache() -> None:
    with _lock:
        _cache.clear()


def _pca(points: np.ndarray) -> np.ndarray:
    centred = points - points.mean(axis=0)
    if not np.any(centred):
        return np.zeros((len(points), 2))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    return coords / max(np.abs(coords).max(), 1e-12) * 10.0  # UMAP's own init scale


def _fit(points: np.ndarray, init: np.ndarray | None) -> np.ndarray:
    """UMAP (cosine, fixed seed) from ``init`` or from PCA; PCA alone for very few points."""
    points = np.asarray(points, dtype=np.float32)
    start = _pca(points) if init is None else np.asarray(init, dtype=np.float64)
    if len(points) < MIN_UMAP_POINTS or len(np.unique(points, axis=0)) < MIN_UMAP_POINTS:
        return start
    import umap

    reducer = umap.UMAP(n_neighbors=min(10, len(points) - 1), min_dist=0.3, metric="cosine", init=start,
                        random_state=SEED, n_epochs=200, transform_seed=SEED)
    with warnings.catch_warnings():  # "n_jobs overridden by random_state" and small-data notes
        warnings.simplefilter("ignore")
        return np.asarray(reducer.fit_transform(points), dtype=np.float64)


def _procrustes(coords: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Rotate/reflect/scale ``coords`` onto ``reference`` (both (n, 2))."""
    a = coords - coords.mean(axis=0)
    b = reference - reference.mean(axis=0)
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a < 1e-12 or norm_b < 1e-12:
        return coords
    u, _, vt = np.linalg.svd(a.T @ b)
    return (a @ (u @ vt)) * (norm_b / norm_a) + reference.mean(axis=0)


def _cached(key: tuple) -> np.ndarray | None:
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
    return hit


def _store(key: tuple, coords: np.ndarray) -> np.ndarray:
    coords.setflags(write=False)
    _cache[key] = coords
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return coords


def project(key: Hashable, points: np.ndarray) -> np.ndarray:
    """(n, 2) coordinates of ``points`` (n, D), cached under ``key``."""
    with _lock:
        hit = _cached(("points", key))
        return hit if hit is not None else _store(("points", key), _fit(points, None))


def project_layer(key: Hashable, stack: np.ndarray, layer: int) -> np.ndarray:
    """(n, 2) coordinates of layer ``layer`` of ``stack`` (n, L+1, D), aligned with the last layer."""
    last = stack.shape[1] - 1
    if not 0 <= layer <= last:
        raise ValueError(f"Layer {layer} does not exist: choose 0 (embeddings) to {last}.")
    with _lock:
        reference = _cached(("layer", key, last))
        if reference is None:
            reference = _store(("layer", key, last), _fit(stack[:, last], None))
        if layer == last:
            return reference
        hit = _cached(("layer", key, layer))
        if hit is None:
            hit = _store(("layer", key, layer), _procrustes(_fit(stack[:, layer], reference), reference))
        return hit


def warm_up() -> None:
    """Compile UMAP's numba kernels on a small random problem, once."""
    if _warm.is_set():
        return
    rng = np.random.default_rng(SEED)
    data = rng.normal(size=(30, 3, 16)).astype(np.float32)
    project_layer(("warm-up",), data, 0)
    with _lock:
        for key in [k for k in _cache if "warm-up" in str(k)]:
            del _cache[key]
    _warm.set()


def start_warm_up() -> threading.Thread:
    """Start ``warm_up`` in a daemon thread (idempotent); ``is_warm()`` says when it is done."""
    global _warm_thread
    with _lock:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=warm_up, name="umap-warm-up", daemon=True)
            _warm_thread.start()
        return _warm_thread


def is_warm() -> bool:
    return _warm.is_set()
