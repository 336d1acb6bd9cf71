"""UMAP projections: fixed seed, cache, aligned layers, degenerate layers shown as what they are, a cached
map that never waits behind another request's fit, and numba's on-disk cache for UMAP's kernels."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from components.core.cache import Cache
from components.polysemy import numba_cache, projection

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def warm():
    thread = projection.start_warm_up()
    assert projection.start_warm_up() is thread  # idempotent
    thread.join(timeout=600)
    assert projection.is_warm()


@pytest.fixture()
def fresh_maps(monkeypatch):
    monkeypatch.setattr(projection, "_maps", Cache("test_maps", max_entries=64))


def clustered(seed: int = 0, n: int = 12, layers: int = 4, dim: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(2, dim)) * 3
    base = np.concatenate([centres[0] + rng.normal(size=(n, dim)), centres[1] + rng.normal(size=(n, dim))])
    return np.stack([base + 0.05 * layer * rng.normal(size=base.shape) for layer in range(layers)], axis=1)


def test_fixed_seed_gives_the_same_map_and_the_cache_returns_it(fresh_maps, monkeypatch):
    stack = clustered()
    first = projection.project_layer(stack, 3)
    assert projection.project_layer(stack, 3) is first
    monkeypatch.setattr(projection, "_maps", Cache("test_maps_again", max_entries=64))
    np.testing.assert_allclose(projection.project_layer(stack, 3).coords, first.coords, atol=1e-6)


def test_layers_are_aligned_to_the_last_layer(fresh_maps):
    stack = clustered(layers=4)
    last = projection.project_layer(stack, 3).coords
    near = projection.project_layer(stack, 0).coords  # same points, a little noise: same place
    spread = np.linalg.norm(last - last.mean(axis=0), axis=1).mean()
    assert np.linalg.norm(near - last, axis=1).mean() < 0.5 * spread


def test_the_two_clusters_stay_apart(fresh_maps):
    coords = projection.project_layer(clustered(), 2).coords
    a, b = coords[:12], coords[12:]
    assert np.linalg.norm(a.mean(0) - b.mean(0)) > 2 * max(a.std(0).mean(), b.std(0).mean())


def test_a_degenerate_layer_is_shown_as_it_is_never_as_another_layers_map(fresh_maps):
    stack = clustered(layers=3)
    stack[:, 0] = stack[0, 0]  # layer 0: the target at the same position in every sentence
    degenerate = projection.project_layer(stack, 0)
    last = projection.project_layer(stack, 2)
    assert degenerate.method == "pca" and degenerate.distinct == 1
    assert np.allclose(degenerate.coords, degenerate.coords[0])  # every point on one spot
    assert last.method == "umap" and not np.allclose(degenerate.coords, last.coords)


def test_a_few_distinct_vectors_get_an_exact_linear_map(fresh_maps):
    stack = clustered(layers=2)
    three = np.eye(3, stack.shape[2]) * np.array([[1.0], [2.0], [4.0]])
    stack[:, 0] = three[np.arange(len(stack)) % 3]
    shown = projection.project_layer(stack, 0)
    assert shown.method == "pca" and shown.distinct == 3
    corners = shown.coords[:3]
    ratio = np.linalg.norm(corners[0] - corners[1]) / np.linalg.norm(three[0] - three[1])
    for i, j in ((0, 2), (1, 2)):  # three points in a plane: PCA keeps every distance (up to one scale)
        assert np.linalg.norm(corners[i] - corners[j]) == pytest.approx(ratio * np.linalg.norm(three[i] - three[j]))


def test_identical_points_in_a_fitted_layer_share_one_spot(fresh_maps):
    stack = clustered(layers=2)
    stack[:4, 1] = stack[0, 1]  # four occurrences are the same vector, the rest differ
    shown = projection.project_layer(stack, 1)
    assert shown.method == "umap" and shown.distinct == len(stack) - 3
    assert np.allclose(shown.coords[:4], shown.coords[0]) and not np.allclose(shown.coords[4], shown.coords[0])


def test_a_cached_map_does_not_wait_behind_another_requests_fit(fresh_maps, monkeypatch):
    cached_points, other_points = clustered(seed=1)[:, 0], clustered(seed=2)[:, 0]
    cached = projection.project(cached_points)
    entered, release = threading.Event(), threading.Event()
    fits = []
    real_fit = projection._run_umap

    def slow_fit(points, init, n_neighbors):
        fits.append(len(points))
        entered.set()
        release.wait(timeout=60)
        return real_fit(points, init, n_neighbors)

    monkeypatch.setattr(projection, "_run_umap", slow_fit)
    fitting = threading.Thread(target=projection.project, args=(other_points,))
    fitting.start()
    assert entered.wait(timeout=60) and projection._FIT_LOCK.locked()
    hit: list = []
    reader = threading.Thread(target=lambda: hit.append(projection.project(cached_points)))
    reader.start()
    reader.join(timeout=30)  # a deadlock guard, not a speed check: the fit is still held open
    assert hit and hit[0] is cached and not release.is_set()
    # negative control: a map that is NOT cached does wait for the lock the slow fit holds
    third: list = []
    waiting = threading.Thread(target=lambda: third.append(projection.project(clustered(seed=3)[:, 0])))
    waiting.start()
    waiting.join(timeout=1.0)
    assert waiting.is_alive() and not third and fits == [len(other_points)]
    release.set()
    fitting.join(timeout=60)
    waiting.join(timeout=60)
    assert third and len(fits) == 2


@pytest.mark.slow
def test_umap_kernels_are_cached_on_disk_and_numba_is_left_as_it_was(tmp_path):
    """In a fresh process: import + one fit writes numba's cache files into NUMBA_CACHE_DIR."""
    code = ("import numba; jit, njit = numba.jit, numba.njit\n"
            "from components.polysemy import numba_cache, projection\n"
            "projection.warm_up()\n"
            "assert numba.jit is jit and numba.njit is njit\n"
            "print(numba.config.CACHE_DIR)\n")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=1200)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == str(tmp_path / "numba")
    index_files = list((tmp_path / "numba").rglob("*.nbi"))
    assert any("umap" in str(p) for p in index_files) and any("pynndescent" in str(p) for p in index_files)


def test_numba_cache_dir_defaults_under_the_apps_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert numba_cache.cache_dir() == tmp_path / "bertlens" / "numba"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert numba_cache.cache_dir() == tmp_path / "elsewhere"


@pytest.mark.minilm
@pytest.mark.slow
def test_aligned_layer_maps_keep_their_own_neighbours_and_move_far_less_than_unaligned_fits(minilm, fresh_maps):
    """On the bank set, aligning every layer to the last one costs each layer's map little
    trustworthiness against a fit of that layer alone, and points move between layers far less than
    with unaligned fits (which jump). The comparison with umap-learn's AlignedUMAP over all eight sets is
    a quality measurement: ``python -m benchmarks polysemy`` (its figures are in projection's docstring)."""
    from sklearn.manifold import trustworthiness

    from components.polysemy.sets import builtin_sets
    from components.polysemy.study import study

    bank = builtin_sets()["bank"]
    stack = study(minilm, bank.as_text(), "bank", None, glove=None).stack
    layers = range(stack.shape[1])
    ours = [projection.project_layer(stack, layer).coords for layer in layers]
    alone = [projection.project(stack[:, layer]).coords for layer in layers]

    def trust(maps):
        return np.array([trustworthiness(stack[:, layer], maps[layer], n_neighbors=5, metric="cosine")
                         for layer in layers])

    assert (trust(ours) >= trust(alone) - 0.05).all()  # no layer pays much for being aligned to the last one
    assert projection.movement(alone) > 3 * projection.movement(ours)


def test_a_umap_fit_leaves_torchs_thread_budget_alone():
    """numba's parallel kernels share the OpenMP pool and set torch to every core: the serve command's
    one-thread-per-request budget must survive the first Polysemy map (it did not: 1 became 2)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        projection.project(np.random.default_rng(3).normal(size=(40, 16)).astype(np.float32))
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("cold", [True, False])
def test_a_cold_cache_is_compiled_in_a_child_process_before_the_server_loads_it(monkeypatch, cold):
    """The server's background warm-up compiles in a child (own memory, own interpreter) only when needed."""
    calls = []
    monkeypatch.setattr(numba_cache, "compiled", lambda: not cold)
    monkeypatch.setattr(projection.subprocess, "run",
                        lambda command, **kw: calls.append(("child", command[-1])) or
                        subprocess.CompletedProcess(command, 0, "", ""))
    monkeypatch.setattr(projection, "warm_up", lambda: calls.append(("here", None)))
    projection._warm_in_background()
    assert calls == ([("child", projection.COMPILE)] if cold else []) + [("here", None)]


def test_polysemys_first_request_waits_for_the_warm_up_and_says_so(monkeypatch, tiny_en_dir):
    from components.core.messages import t
    from components.core.services import AppConfig, Services
    from components.polysemy.tab import polysemy_endpoint

    services = Services(AppConfig(models=(str(tiny_en_dir),), default_model=str(tiny_en_dir), warm_up=False))
    run = polysemy_endpoint(services)
    text = "money | I paid the bank.\nmoney | The bank gave a loan.\nriver | We sat on the river bank."
    for warming in (True, False):  # False: the control, a warm app says nothing of it
        notes, waited = [], []
        monkeypatch.setattr(projection, "warming", lambda w=warming: w)
        monkeypatch.setattr(projection, "wait_warm", lambda seen=waited: seen.append(True))
        run("bank", text, "bank", "", "base", 1, str(tiny_en_dir), "zh",
            progress=lambda _fraction, desc=None, seen=notes: seen.append(desc))
        assert (t("poly_warming", "zh") in notes) == warming and bool(waited) == warming
