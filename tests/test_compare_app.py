"""Compare mode through gradio_client: the single-sentence endpoints keep their shape, and the separate
``/predict_compare``, ``/explain_compare`` and ``/attention_compare`` endpoints return the comparison."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gradio_client.exceptions import AppError

from components.core.classifier import SHIPPED_CLASSIFIER, label_text, load_classifier
from components.core.messages import Msg, render, t
from components.predict.compute import predict_text

pytestmark = pytest.mark.minilm
HAPPY, UNHAPPY = "I'm happy with how the exam went.", "I'm not happy with how the exam went."
DOG, MAN = "The dog bit the man.", "The man bit the dog."


def figure_data(figure) -> list[dict]:
    return json.loads(figure["plot"])["data"]


def test_predict_keeps_its_single_sentence_shape(client):
    result = client.predict(HAPPY, "tuned", 0.5, api_name="/predict")
    assert len(result) == 3 and result[2]["label"] == "joy"


def test_predict_compare_returns_the_difference_of_the_two_predictions(client):
    figure, note = client.predict(HAPPY, UNHAPPY, "tuned", 0.5, api_name="/predict_compare")
    shipped = load_classifier(SHIPPED_CLASSIFIER)
    change = predict_text(shipped, UNHAPPY).probs - predict_text(shipped, HAPPY).probs
    bars = figure_data(figure)[2]
    order = [[label_text(name, "en") for name in shipped.labels].index(name) for name in bars["y"]]
    np.testing.assert_allclose(bars["x"], change[order], atol=1e-6)
    assert "**joy**" in note and "disappointment" in note


def test_an_empty_second_sentence_is_a_message(client):
    with pytest.raises(AppError) as err:
        client.predict(HAPPY, "  ", "tuned", 0.5, api_name="/predict_compare")
    assert render(Msg("pred_compare_empty"), "en") in str(err.value)


def test_explain_compare_explains_one_label_in_both_sentences(client):
    note, highlight, bars, change = client.predict(HAPPY, UNHAPPY, "", "gradxinput", "probability", 8, False,
                                                   api_name="/explain_compare")
    assert "**joy**" in note and highlight.count("bl-pair-row") == 2
    first, second = figure_data(bars)
    assert len(first["y"]) == 12 and len(second["y"]) == 13  # [CLS] i ' m (not) happy ... [SEP]
    assert len(figure_data(change)) == 3


def test_attention_compare_subtracts_only_aligned_pieces(client):
    figure, note = client.predict(DOG, "", MAN, "minilm", 2, 0, "mean", False, False, api_name="/attention_compare")
    assert [trace["type"] for trace in figure_data(figure)] == ["heatmap"]
    assert t("attn_cmp_note_diff", "en", n=8) in note
    figure, note = client.predict(HAPPY, "", UNHAPPY, "minilm", 2, 0, "mean", False, False,
                                  api_name="/attention_compare")
    assert [trace["type"] for trace in figure_data(figure)] == ["heatmap", "heatmap"]  # side by side
