"""Every admitted architecture (BERT, DistilBERT, RoBERTa) behaves in every view as transformers computes it.

Classifiers from the Hub run as themselves: /predict's scores equal
``transformers.pipeline("text-classification", top_k=None)`` to 1e-5, with the activation the pipeline
chooses (sigmoid for multi-label or a single label, softmax otherwise). The Tokens, Attention and
Polysemy computations read each architecture's pieces, segments and positions.
"""

from __future__ import annotations

import numpy as np
import pytest

from components.core.analysis import analyze, char_span_to_tokens, pool_span
from components.core.classifier import load_classifier
from components.core.models import load_model
from components.predict.compute import predict_text
from tests.tiny import LABELS, make_tiny_classifier

ARCHS = ("bert", "distilbert", "roberta")
TEXTS = ["the bank raised interest rates", "we sat on the river bank and watched the fish"]


@pytest.fixture(scope="module", params=ARCHS)
def arch_dir(request, tmp_path_factory):
    return make_tiny_classifier(tmp_path_factory.mktemp(request.param), request.param,
                                problem_type="multi_label_classification", seed=3)


def _pipeline_scores(folder, text) -> dict[str, float]:
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(folder), top_k=None, device="cpu")
    return {row["label"]: row["score"] for row in classify([text])[0]}


@pytest.mark.parametrize("problem_type,num_labels,activation", [
    ("multi_label_classification", 3, "sigmoid"), ("single_label_classification", 3, "softmax"),
    (None, 3, "softmax"), (None, 1, "sigmoid"),
])
@pytest.mark.parametrize("arch", ARCHS)
def test_scores_equal_the_text_classification_pipeline(tmp_path, arch, problem_type, num_labels, activation):
    folder = make_tiny_classifier(tmp_path / arch, arch, labels=LABELS[:num_labels], problem_type=problem_type, seed=7)
    classifier = load_classifier(folder)
    assert classifier.activation == activation
    for text in TEXTS:
        ours = predict_text(classifier, text).scores()
        theirs = _pipeline_scores(folder, text)
        assert ours.keys() == theirs.keys()
        np.testing.assert_allclose([ours[k] for k in theirs], list(theirs.values()), atol=1e-5)


def test_the_parity_check_would_see_a_wrong_activation(tmp_path):
    """Negative control: a softmax over the multi-label head is off by far more than the tolerance."""
    from scipy.special import softmax

    folder = make_tiny_classifier(tmp_path / "bert", "bert", problem_type="multi_label_classification", seed=7)
    classifier = load_classifier(folder)
    logits = analyze(classifier.model, TEXTS[0], detail="logits").logits
    theirs = _pipeline_scores(folder, TEXTS[0])
    assert np.abs(softmax(logits) - [theirs[k] for k in classifier.labels]).max() > 1e-3


def test_tokens_view_rebuilds_the_embedding_output(arch_dir):
    from components.tokens.compute import token_table

    model = load_model(str(arch_dir))
    analysis = analyze(model, "the bank raised rates", "we sat by the river")
    table = token_table(model, analysis)
    assert table.matches_model, table.max_abs_diff
    assert {r.segment for r in table.rows} == {"A", "B"}
    has_segments = model.model_type != "distilbert"
    assert ("segment" in table.parts) == has_segments
    first_position = table.rows[0].position
    assert first_position == (model.config.pad_token_id + 1 if model.model_type == "roberta" else 0)


def test_attention_rows_sum_to_one_and_spans_pool(arch_dir):
    from components.attention.compute import attention_view

    model = load_model(str(arch_dir))
    analysis = analyze(model, "she opened an account at the bank")
    for view in ("head", "mean", "rollout"):
        shown = attention_view(analysis, view, 1, 0, hide_special=True, hide_punct=True)
        np.testing.assert_allclose(shown.matrix.sum(-1), 1.0, atol=1e-5)
    start = analysis.text.index("bank")
    index = char_span_to_tokens(analysis, start, start + 4)
    assert "bank" in "".join(analysis.tokens[i] for i in index).replace("Ġ", "").replace("##", "")
    assert pool_span(analysis, index).shape == (model.config.num_hidden_layers + 1, model.config.hidden_size)
