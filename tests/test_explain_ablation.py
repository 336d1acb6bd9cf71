"""Switching heads off: the pre-hook equals the model with that head's output-projection columns zeroed,
on tiny BERT, DistilBERT and RoBERTa; mean ablation, the batched scan, and isolation between requests."""

from __future__ import annotations

import copy
import threading

import numpy as np
import pytest
import torch

from components.core.analysis import analyze
from components.core.classifier import load_classifier
from components.explain.ablation import ablate, ablated, head_means, head_names, out_projections, parse_heads, scan
from components.explain.compute import explain
from tests.tiny import make_tiny_classifier, raises_key

ARCHS = ("bert", "distilbert", "roberta")
TEXT = "they opened an account at the bank near the river"


@pytest.fixture(scope="module")
def classifiers(tmp_path_factory):
    root = tmp_path_factory.mktemp("ablation")
    return {arch: load_classifier(make_tiny_classifier(root / arch, arch, layers=2, heads=4, seed=11))
            for arch in ARCHS}


def inputs(analysis):
    ids = torch.tensor(np.array(analysis.input_ids))[None]
    return ids, torch.ones_like(ids)


def with_columns_zeroed(full, layer: int, head: int, fill: torch.Tensor | None = None):
    """A copy of the model whose layer's output projection ignores that head (and, for mean ablation,
    adds the head's mean output through those columns to the bias)."""
    full = copy.deepcopy(full)
    projection = out_projections(full.base_model)[layer]
    width = projection.in_features // full.config.num_attention_heads
    columns = slice(head * width, (head + 1) * width)
    with torch.no_grad():
        if fill is not None:
            projection.bias += projection.weight[:, columns] @ fill
        projection.weight[:, columns] = 0
    return full


@pytest.mark.parametrize("arch", ARCHS)
def test_zero_ablation_equals_the_heads_output_projection_columns_zeroed(classifiers, arch):
    classifier = classifiers[arch]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    ids, mask = inputs(analysis)
    for layer, head in [(0, 0), (0, 3), (1, 1), (1, 2)]:
        result = ablate(classifier, analysis, ((layer, head),))
        with torch.inference_mode():
            zeroed = with_columns_zeroed(classifier.model.full, layer, head)
            reference = torch.sigmoid(zeroed(input_ids=ids, attention_mask=mask).logits)[0].numpy()
        assert np.abs(result.after - result.before).max() > 1e-3, "switching the head off changed nothing"
        np.testing.assert_allclose(result.after, reference, atol=1e-6)
        np.testing.assert_allclose(result.before, analysis_probs(classifier, analysis), atol=1e-6)


def analysis_probs(classifier, analysis):
    return 1 / (1 + np.exp(-analysis.logits.astype(np.float64)))


def test_no_head_off_reads_the_texts_own_pass_without_a_forward(classifiers, monkeypatch):
    classifier = classifiers["bert"]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    with_one_off = ablate(classifier, analysis, ((0, 0),))
    monkeypatch.setattr(type(classifier.model), "run", lambda *a, **k: pytest.fail("a forward for nothing"))
    result = ablate(classifier, analysis, ())
    np.testing.assert_allclose(result.before, with_one_off.before, atol=1e-6)  # what the two-row pass said
    np.testing.assert_array_equal(result.after, result.before)


@pytest.mark.parametrize("arch", ARCHS)
def test_mean_ablation_equals_zeroed_columns_plus_the_heads_mean_through_them(classifiers, arch):
    classifier = classifiers[arch]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    ids, mask = inputs(analysis)
    means = head_means(classifier.model)
    assert means.shape == (2, 4, 8)
    result = ablate(classifier, analysis, ((1, 2),), mode="mean")
    with torch.inference_mode():
        shifted = with_columns_zeroed(classifier.model.full, 1, 2, fill=means[1, 2])
        reference = shifted(input_ids=ids, attention_mask=mask).logits
    np.testing.assert_allclose(result.after, torch.sigmoid(reference)[0].numpy(), atol=1e-6)
    assert np.abs(result.after - ablate(classifier, analysis, ((1, 2),)).after).max() > 1e-4  # mean is not zero


@pytest.mark.parametrize("arch", ARCHS)
def test_the_batched_scan_equals_each_head_switched_off_alone(classifiers, arch):
    classifier = classifiers[arch]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    result = scan(classifier, analysis, label_index=1)
    assert result.after.shape == (2, 4) and result.probs_after.shape == (2, 4, 3)
    assert result.before == pytest.approx(analysis_probs(classifier, analysis)[1], abs=1e-6)
    for layer in range(2):
        for head in range(4):
            alone = ablate(classifier, analysis, ((layer, head),)).after
            np.testing.assert_allclose(result.probs_after[layer, head], alone, atol=1e-6)
    assert np.abs(result.delta).max() > 1e-3


def test_scan_of_the_logit_moves_the_logit(classifiers):
    classifier = classifiers["bert"]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    logit = scan(classifier, analysis, label_index=0, output="logit")
    assert logit.before == pytest.approx(float(analysis.logits[0]), abs=1e-5)
    probability = scan(classifier, analysis, label_index=0)
    np.testing.assert_allclose(1 / (1 + np.exp(-logit.after)), probability.after, atol=1e-6)


def test_switching_every_head_of_a_layer_off_is_the_layer_without_attention(classifiers):
    """All heads of layer 0 off: the attention block adds only its output bias to the residual stream."""
    classifier = classifiers["bert"]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    everything = ablate(classifier, analysis, tuple((0, h) for h in range(4)))
    full = classifier.model.full
    for head in range(4):
        full = with_columns_zeroed(full, 0, head)
    ids, mask = inputs(analysis)
    with torch.inference_mode():
        reference = torch.sigmoid(full(input_ids=ids, attention_mask=mask).logits)[0].numpy()
    np.testing.assert_allclose(everything.after, reference, atol=1e-6)


def test_other_requests_never_see_an_ablation(classifiers):
    """Heads switched off in one thread; a prediction in another thread, at the same moment, is untouched."""
    classifier = classifiers["roberta"]
    model = classifier.model
    analysis = analyze(model, TEXT, max_length=classifier.max_length)
    ids, mask = inputs(analysis)
    with torch.inference_mode():
        expected = model.run(ids, mask)[0]
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def ablating():
        keep = torch.zeros(1, 2, 4)  # every head off
        with torch.inference_mode(), ablated(model, keep):
            seen["ablated"] = model.run(ids, mask)[0]
            inside.set()
            done.wait(timeout=30)

    worker = threading.Thread(target=ablating)
    worker.start()
    assert inside.wait(timeout=30)
    with torch.inference_mode():
        seen["other"] = model.run(ids, mask)[0]  # while the other thread is inside its ablation
    done.set()
    worker.join()
    assert (seen["ablated"] - expected).abs().max() > 1e-3
    torch.testing.assert_close(seen["other"], expected, atol=0, rtol=0)


def test_explanations_are_unchanged_by_installed_hooks(classifiers):
    classifier = classifiers["distilbert"]
    before = explain(classifier, "the water was cold", "joy", steps=8).attributions.copy()
    analysis = analyze(classifier.model, "the water was cold", max_length=classifier.max_length)
    ablate(classifier, analysis, ((0, 0),))  # installs the hooks
    from components.explain.compute import _explanations

    _explanations.clear()
    np.testing.assert_allclose(explain(classifier, "the water was cold", "joy", steps=8).attributions, before,
                               atol=1e-7)


def test_head_names_round_trip_and_bad_names_say_what_exists():
    names = head_names(2, 3)
    assert names == ["L1H1", "L1H2", "L1H3", "L2H1", "L2H2", "L2H3"]
    assert parse_heads(names, 2, 3) == tuple((layer, head) for layer in range(2) for head in range(3))
    assert parse_heads(["l2h1", " L1H1 ", "L1H1"], 2, 3) == ((0, 0), (1, 0))
    for bad in ("L3H1", "L0H1", "L1H4", "H1", "layer 1", ""):
        with raises_key("expl_bad_head", name=bad, layers=2, heads=3):  # says layers 1 to 2 and heads 1 to 3 exist
            parse_heads([bad], 2, 3)


def test_unknown_ablation_mode_is_a_message(classifiers):
    classifier = classifiers["bert"]
    analysis = analyze(classifier.model, TEXT, max_length=classifier.max_length)
    with raises_key("expl_unknown_mode", mode="random", choices=["zero", "mean"]):
        ablate(classifier, analysis, ((0, 0),), mode="random")
