"""What fine-tuning changed: CKA, attention divergence and LoRA update sizes on tiny models (logic and parity
with scipy and peft), the shipped classifier on minilm (behaviour), and a probe set that is ours."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy.spatial.distance import jensenshannon
from scipy.stats import ortho_group

from components.core.classifier import load_classifier
from components.finetune.changes import (
    MATRICES,
    CkaSums,
    compare,
    js_divergence,
    lora_updates,
    probe_sentences,
    token_cosines,
)
from components.finetune.figures import cka_figure, cosine_figure, js_figure, lora_figure
from tests.tiny import raises_key


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """The definition (Kornblith et al. 2019, eq. 5) on the stacked vectors: ‖YcᵀXc‖² / (‖XcᵀXc‖ ‖YcᵀYc‖)."""
    x, y = x - x.mean(0), y - y.mean(0)
    return float(np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))


def cka(x: np.ndarray, y: np.ndarray, batch: int = 64) -> float:
    sums = CkaSums()
    for start in range(0, len(x), batch):
        sums.add(x[start:start + batch], y[start:start + batch])
    return sums.value()


def test_cka_is_one_for_identical_inputs_and_blind_to_rotation_and_scale():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 16))
    assert cka(x, x) == pytest.approx(1.0)
    rotated = 3.0 * x @ ortho_group.rvs(16, random_state=1) + 5.0
    assert cka(x, rotated) == pytest.approx(1.0)
    assert cka(x, rng.normal(size=(200, 16))) < 0.3  # unrelated vectors


def test_cka_summed_batch_by_batch_equals_cka_of_the_stacked_vectors():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 24)) + 40.0 * rng.random(24)  # large means, like BERT's outlier dimensions
    y = x @ rng.normal(size=(24, 24)) + rng.normal(size=(300, 24))
    assert cka(x, y) == pytest.approx(linear_cka(x, y), rel=1e-9) and cka(x, y, batch=300) == pytest.approx(cka(x, y))
    assert cka(x, y) < 0.99  # a control: y is not x


def test_js_divergence_matches_scipy():
    rng = np.random.default_rng(1)
    p, q = rng.dirichlet(np.ones(7), size=(4, 5)), rng.dirichlet(np.ones(7), size=(4, 5))
    np.testing.assert_allclose(js_divergence(p, q), jensenshannon(p, q, axis=-1, base=2) ** 2, atol=1e-12)
    assert np.all(js_divergence(p, p) == 0)
    assert js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)


def test_lora_update_is_what_peft_merges(toy_runs, tiny_base):
    from peft import PeftModel

    from components.core.models import load_model

    base = load_model(tiny_base)
    norms, relative = lora_updates(toy_runs["lora"] / "adapter", base.encoder)
    import copy

    peft_model = PeftModel.from_pretrained(copy.deepcopy(base.encoder), str(toy_runs["lora"] / "adapter"))
    for i in range(base.config.num_hidden_layers):
        for j, module in enumerate(MATRICES.values()):
            layer = peft_model.base_model.model.get_submodule(f"encoder.layer.{i}.{module}")
            delta = layer.get_delta_weight("default")
            assert norms[i, j] == pytest.approx(float(torch.linalg.norm(delta)), rel=1e-5)
            assert relative[i, j] == pytest.approx(norms[i, j] / float(torch.linalg.norm(layer.base_layer.weight)),
                                                   rel=1e-5)
    assert (norms > 0).all()


def test_a_tiny_fine_tune_changes_the_upper_layers_not_the_embeddings(toy_runs):
    found = compare(load_classifier(toy_runs["lora"]))
    assert found.cka[0] == pytest.approx(1.0, abs=1e-6)  # LoRA does not touch the embeddings
    assert found.cka[-1] < 1 - 1e-4  # far beyond the 1e-6 a frozen encoder shows (next test)
    assert found.cka[-1] < found.cka[1]  # the top layer moved more than the first
    assert found.js.shape == (2, 4) and found.js.max() > 0
    assert found.lora.shape == (2, len(MATRICES)) and found.n_sentences == len(probe_sentences("multi"))
    assert compare(load_classifier(toy_runs["lora"])) is found  # computed once


def test_feature_extraction_leaves_bert_unchanged(toy_runs):
    found = compare(load_classifier(toy_runs["head"]))
    np.testing.assert_allclose(found.cka, 1.0, atol=1e-6)
    np.testing.assert_allclose(found.js, 0.0, atol=1e-7)
    assert found.lora is None
    note = lora_figure(found, "zh").layout.annotations[0].text
    assert "冻结" in note


def test_token_cosines_and_the_figures_number_layers_and_heads_from_1(toy_runs):
    clf = load_classifier(toy_runs["lora"])
    tokens, cos, notes = token_cosines(clf, "the bank of the river")
    assert tokens[0] == "[CLS]" and cos.shape == (3, len(tokens)) and notes == []
    np.testing.assert_allclose(cos[0], 1.0, atol=1e-5)
    found = compare(clf)
    assert list(cka_figure(found, "en").data[0].x) == ["emb.", "1", "2"]  # outputs of layers 1 and 2
    assert list(js_figure(found, "en").data[0].x) == [1, 2, 3, 4] and list(js_figure(found, "en").data[0].y) == [1, 2]
    assert list(cka_figure(found, "zh").data[0].x)[0] == "嵌入"
    assert np.array(js_figure(found, "en").data[0].z).shape == (2, 4)
    heat = cosine_figure(tokens, cos, "en", "the bank of the river")
    assert np.array(heat.data[0].z).shape == cos.shape
    assert heat.layout.meta["export"] == "bertlens-finetune-token-cosine-the-bank-of-the-river"


def test_markup_in_the_sentence_stays_text(toy_runs):
    clf = load_classifier(toy_runs["lora"])
    payload = "<b>bank</b>"
    tokens, cos, _ = token_cosines(clf, payload)
    heat = cosine_figure(tokens, cos, "en", payload)
    labels = list(heat.layout.xaxis.ticktext) + [cell for row in heat.data[0].text for cell in row]
    assert "&lt;" in "".join(labels) and "<b>" not in "".join(labels)
    assert any(tok == "<" for tok in tokens)  # negative control: the tokenizer kept the markup characters


def test_a_classifier_from_elsewhere_has_no_base_to_compare(toy_runs):
    clf = load_classifier(toy_runs["head"])
    stranger = type(clf)(**{**clf.__dict__, "info": {}})
    with raises_key("ft_chg_no_base"):
        compare(stranger)


def test_probe_set_is_ours_and_about_two_hundred(shared_data):
    english = probe_sentences("en")
    assert 190 <= len(english) <= 220 and len(set(english)) == len(english)
    assert all("我" not in s for s in english) and len(probe_sentences("zh")) >= 50
    rows = set()
    for split in ("train", "dev", "test"):
        for line in (shared_data / "goemotions" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
            rows.add(line.split("\t")[0].strip().lower())
    assert not [s for s in english if s.strip().lower() in rows]  # never a GoEmotions row


@pytest.mark.minilm
def test_shipped_lora_changes_upper_layers_most():
    clf = load_classifier()
    found = compare(clf)
    assert json.loads((clf.directory / "classifier.json").read_text())["method"] == "lora"
    assert found.n_sentences == len(probe_sentences("en"))
    assert found.cka[0] == pytest.approx(1.0, abs=1e-6)
    assert found.cka[-1] < found.cka[1] and found.cka[-1] < 0.6  # the known result: the top changes most
    upper, lower = found.js[-3:].mean(), found.js[:2].mean()
    assert upper > lower
    assert found.lora.shape == (6, 6) and found.lora.min() > 0
