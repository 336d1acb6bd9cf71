"""Explain's attributions on tiny random classifiers: completeness, the explained output, words, limits.

The behaviour of the shipped classifier (``thank`` explains *gratitude*) is in test_explain_app.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from components.core.classifier import load_classifier
from components.explain.compute import (
    MAX_STEPS,
    METHODS,
    attention_comparison,
    baseline_ids,
    chinese_words_are_characters,
    explain,
    known_labels,
    logits_from_embeddings,
    unit_scores,
    units,
)
from tests.tiny import CHINESE, LABELS, make_tiny_classifier, raises_key

TEXT = "the bank raised interest rates for the banks"


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    return load_classifier(make_tiny_classifier(tmp_path_factory.mktemp("multi"), "bert", seed=3))


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return load_classifier(make_tiny_classifier(tmp_path_factory.mktemp("single"), "bert", problem_type=None, seed=4))


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    return load_classifier(make_tiny_classifier(tmp_path_factory.mktemp("zh"), "bert", tokens=CHINESE, seed=5))


def logits_of(classifier, ids) -> torch.Tensor:
    ids = torch.tensor(np.array(ids))[None]
    with torch.inference_mode():
        return classifier.model.run(ids, torch.ones_like(ids), torch.zeros_like(ids))[0][0]


# DistilBERT's classification head has a ReLU: its kinks along the path slow the quadrature down
@pytest.mark.parametrize("arch,tolerance", [("bert", 1e-4), ("distilbert", 1e-2), ("roberta", 1e-4)])
def test_ig_attributions_add_up_to_the_change_from_the_baseline(tmp_path, arch, tolerance):
    """Completeness: with enough steps the per-token attributions sum to f(text) - f([PAD] baseline)."""
    classifier = load_classifier(make_tiny_classifier(tmp_path / arch, arch, seed=6))
    result = explain(classifier, TEXT, "joy", "ig", "probability", steps=256)
    assert abs(result.delta) > 1e-2  # the check is not trivially 0 = 0
    assert result.total == pytest.approx(result.delta, abs=tolerance * abs(result.delta))
    assert abs(result.gap) < tolerance
    assert result.attributions.shape == (len(result.tokens),)
    coarse = explain(classifier, TEXT, "joy", "ig", "probability", steps=2)
    assert abs(coarse.gap) > abs(result.gap)  # fewer steps, a worse integral: the gap measures it


def test_baseline_keeps_cls_and_sep_and_pads_every_typed_token(multi):
    result = explain(multi, "the bank [MASK] rates")
    pad = multi.model.tokenizer.pad_token_id
    tokens = result.tokens
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "[MASK]" in tokens
    base = baseline_ids(result.analysis, pad)
    assert base[0] == result.analysis.input_ids[0] and base[-1] == result.analysis.input_ids[-1]
    assert (base[1:-1] == pad).all()  # the typed [MASK] is text: it is replaced too
    assert result.attributions[0] == 0 and result.attributions[-1] == 0  # unchanged along the path
    assert result.baseline_value == pytest.approx(float(torch.sigmoid(logits_of(multi, base)[result.label_index])),
                                                  abs=1e-6)


def test_multi_label_explains_the_sigmoid_never_a_softmax(multi):
    result = explain(multi, TEXT, "sadness")
    logits = logits_of(multi, result.analysis.input_ids)
    assert multi.activation == "sigmoid"
    assert result.value == pytest.approx(float(torch.sigmoid(logits[2])), abs=1e-6)
    assert abs(result.value - float(torch.softmax(logits, -1)[2])) > 1e-3
    assert result.probs == pytest.approx(torch.sigmoid(logits).numpy(), abs=1e-6)


def test_single_label_explains_the_softmax_probability(single):
    result = explain(single, TEXT, "sadness")
    logits = logits_of(single, result.analysis.input_ids)
    assert single.activation == "softmax"
    assert result.value == pytest.approx(float(torch.softmax(logits, -1)[2]), abs=1e-6)
    assert abs(result.value - float(torch.sigmoid(logits[2]))) > 1e-3


@pytest.mark.parametrize("fixture", ["multi", "single"])
def test_logit_output_explains_the_raw_logit(request, fixture):
    classifier = request.getfixturevalue(fixture)
    result = explain(classifier, TEXT, "joy", output="logit", steps=128)
    assert result.value == pytest.approx(float(logits_of(classifier, result.analysis.input_ids)[1]), abs=1e-5)
    assert abs(result.gap) < 0.01


def test_gradient_times_input_is_the_gradient_of_the_score_times_the_word_embeddings(multi):
    result = explain(multi, TEXT, "gratitude", "gradxinput")
    model = multi.model
    ids = torch.tensor(np.array(result.analysis.input_ids))[None]
    embeds = model.encoder.embeddings.word_embeddings(ids).detach().requires_grad_(True)
    score = torch.sigmoid(logits_from_embeddings(model, embeds, torch.ones_like(ids), torch.zeros_like(ids))[0, 0])
    (grad,) = torch.autograd.grad(score, embeds)
    np.testing.assert_allclose(result.attributions, (grad * embeds).sum(-1)[0].detach().numpy(), atol=1e-6)
    assert result.baseline_value == pytest.approx(  # its implicit baseline: all-zero word embeddings
        float(torch.sigmoid(logits_from_embeddings(model, torch.zeros_like(embeds), torch.ones_like(ids),
                                                   torch.zeros_like(ids))[0, 0])), abs=1e-6)


def _hooked_modules(monkeypatch) -> list:
    hooked = []
    original = torch.nn.Module.register_forward_hook

    def spy(self, *args, **kwargs):
        hooked.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Module, "register_forward_hook", spy)
    return hooked


def test_the_models_own_modules_are_never_hooked(multi, monkeypatch):
    """Other requests share the model (Predict may be reading it in another thread): explaining hooks none of it."""
    hooked = _hooked_modules(monkeypatch)
    for method in METHODS:
        explain(multi, "the river bank was muddy", "joy", method, steps=8)
    shared = {id(m) for m in multi.model.full.modules()}
    assert not [m for m in hooked if id(m) in shared]
    assert not multi.model.encoder.embeddings.word_embeddings._forward_hooks


def test_the_hook_spy_sees_a_layer_method_hook_the_model(multi, monkeypatch):
    # control: captum's layer methods hook the layer they explain, and the spy above would see it
    from captum.attr import LayerIntegratedGradients

    hooked = _hooked_modules(monkeypatch)
    model = multi.model
    words = model.encoder.embeddings.word_embeddings
    ids = torch.tensor([[2, 7, 8, 3]])
    LayerIntegratedGradients(lambda i: model.full(input_ids=i).logits[:, 0], words).attribute(
        ids, baselines=torch.zeros_like(ids), n_steps=2)
    assert words in hooked


def test_unknown_label_names_every_label(multi):
    with raises_key("expl_unknown_label", label="happiness", labels=list(LABELS)):
        explain(multi, TEXT, "happiness")


def test_labels_are_found_by_any_case_and_by_their_chinese_name(multi):
    assert explain(multi, TEXT, "Sadness").label == "sadness"
    assert explain(multi, TEXT, "悲伤").label == "sadness"
    result = explain(multi, TEXT)
    assert result.label_index == int(np.argmax(result.probs))  # no label: the top one


@pytest.mark.parametrize("method,steps,output,key,params", [
    ("shap", 32, "probability", "expl_unknown_method", {"method": "shap"}),
    ("ig", 0, "probability", "expl_steps_range", {"steps": "0", "limit": MAX_STEPS}),
    ("ig", MAX_STEPS + 1, "probability", "expl_steps_range", {"steps": str(MAX_STEPS + 1), "limit": MAX_STEPS}),
    ("ig", 32, "odds", "expl_unknown_output", {"output": "odds"}),
])
def test_bad_options_are_messages(multi, method, steps, output, key, params):
    with raises_key(key, **params):
        explain(multi, TEXT, None, method, output, steps)


def test_a_long_text_is_explained_on_what_was_read_and_says_so(multi):
    result = explain(multi, "the bank " * 60)
    assert result.analysis.truncated and len(result.tokens) == multi.max_length == 64
    said = [note.params for note in result.warnings() if note.key == "expl_truncated"]
    assert said == [{"full": result.analysis.n_tokens_full, "shown": 64}], result.warnings()


def test_words_sum_their_pieces(multi):
    result = explain(multi, "we were Walking along")
    pieces = list(result.tokens)
    assert pieces[3:5] == ["walk", "##ing"]
    groups = units(result, words=True)
    assert [u.text for u in groups] == ["[CLS]", "we", "were", "Walking", "along", "[SEP]"]  # the student's spelling
    walking = groups[3]
    assert walking.indices == (3, 4)
    assert unit_scores(result, groups)[3] == pytest.approx(result.attributions[3] + result.attributions[4])
    assert [u.text for u in units(result, words=False)] == pieces


def test_chinese_words_are_single_characters_and_the_view_says_so(chinese):
    result = explain(chinese, "我在银行存钱")
    groups = units(result, words=True)
    assert [u.text for u in groups if not u.special] == list("我在银行存钱")
    assert chinese_words_are_characters(result, groups)
    assert not chinese_words_are_characters(explain(chinese, "the bank"), units(explain(chinese, "the bank"), True))


def test_attention_is_compared_over_the_sentence_tokens(multi):
    result = explain(multi, TEXT)
    comparison = attention_comparison(result)
    assert comparison.n == len(result.tokens) - 2  # [CLS] and [SEP] left out
    assert comparison.rollout.sum() == pytest.approx(1.0, abs=1e-5)  # rollout rows are distributions
    assert comparison.last_mean.sum() == pytest.approx(1.0, abs=1e-5)
    assert -1 <= comparison.rho_rollout <= 1 and -1 <= comparison.rho_last <= 1


def test_attention_correlation_is_undefined_for_too_few_tokens(multi):
    comparison = attention_comparison(explain(multi, "bank"))
    assert comparison.n == 1 and comparison.rho_rollout is None and comparison.rho_last is None


def test_explanations_are_cached(multi):
    assert explain(multi, TEXT, "joy") is explain(multi, TEXT, "joy")


def test_known_labels_reads_the_files_without_loading(tmp_path):
    folder = make_tiny_classifier(tmp_path / "clf", "distilbert")
    assert known_labels(folder) == LABELS
    assert len(known_labels(None)) == 28  # the shipped classifier's classifier.json
    assert known_labels(tmp_path / "nothing-here") == ()
