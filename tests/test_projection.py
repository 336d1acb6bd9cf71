"""UMAP projections: warm-up, fixed seed, cache, and layers that stay comparable."""

from __future__ import annotations

import numpy as np
import pytest

from components.polysemy import projection


@pytest.fixture(scope="module", autouse=True)
def warm():
    thread = projection.start_warm_up()
    assert projection.start_warm_up() is thread  # idempotent
    thread.join(timeout=300)
    assert projection.is_warm()


def clustered(seed: int = 0, n: int = 12, layers: int = 4, dim: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(2, dim)) * 3
    base = np.concatenate([centres[0] + rng.normal(size=(n, dim)), centres[1] + rng.normal(size=(n, dim))])
    return np.stack([base + 0.05 * layer * rng.normal(size=base.shape) for layer in range(layers)], axis=1)


def test_fixed_seed_gives_the_same_map_and_the_cache_returns_it():
    stack = clustered()
    first = projection.project_layer(("seed",), stack, 3)
    assert projection.project_layer(("seed",), stack, 3) is first
    projection.clear_projection_cache()
    np.testing.assert_allclose(projection.project_layer(("seed",), stack, 3), first, atol=1e-6)


def test_layers_are_aligned_to_the_last_layer():
    stack = clustered(layers=4)
    last = projection.project_layer(("align",), stack, 3)
    near = projection.project_layer(("align",), stack, 0)  # same points, a little noise: same place
    spread = np.linalg.norm(last - last.mean(axis=0), axis=1).mean()
    assert np.linalg.norm(near - last, axis=1).mean() < 0.5 * spread


def test_the_two_clusters_stay_apart():
    coords = projection.project_layer(("clusters",), clustered(), 2)
    a, b = coords[:12], coords[12:]
    assert np.linalg.norm(a.mean(0) - b.mean(0)) > 2 * max(a.std(0).mean(), b.std(0).mean())


def test_few_or_identical_points_fall_back_to_pca():
    assert projection.project(("few",), np.eye(3)).shape == (3, 2)
    assert np.allclose(projection.project(("same",), np.ones((6, 5))), 0)


def test_layer_out_of_range_is_a_message():
    with pytest.raises(ValueError, match="choose 0"):
        projection.project_layer(("range",), clustered(layers=2), 5)
