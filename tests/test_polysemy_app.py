"""/polysemy through gradio_client, as a class would script it."""

from __future__ import annotations

import json

import pytest
from gradio_client.exceptions import AppError

from components.polysemy.compute import builtin_sets

BANK = builtin_sets()["bank"]
PINGGUO = builtin_sets()["pingguo"]


def figure(payload) -> dict:
    """gradio_client returns a Plot as {"type": "plotly", "plot": "<figure JSON>"}."""
    plot = payload["plot"] if isinstance(payload, dict) and "plot" in payload else payload
    return json.loads(plot) if isinstance(plot, str) else plot


def test_bank_on_minilm_returns_both_spaces_the_matrix_and_the_curve(client):
    static, contextual, matrix, curve, note = client.predict(
        "bank", BANK.as_text(), "bank", "", "base", 6, "minilm", api_name="/polysemy")
    static, contextual, matrix, curve = map(figure, (static, contextual, matrix, curve))
    star = [t for t in static["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert len(star) == 1 and len(star[0]["x"]) == 1  # one static point for 20 sentences
    senses = [t for t in contextual["data"] if t["name"] in ("finance", "river")]
    assert sum(len(t["x"]) for t in senses) == 20
    assert any("picnic on the grassy bank" in text for t in senses for text in t["customdata"])
    assert len(matrix["data"][0]["z"]) == 20
    assert len(curve["data"][0]["y"]) == 7  # minilm: embedding output + 6 layers
    assert "Best layer" in note and "Static baseline" in note and "GloVe" in note


def test_chinese_set_on_an_english_model_names_the_model_to_fetch(client):
    with pytest.raises(AppError) as err:
        client.predict("pingguo", PINGGUO.as_text(), "苹果", "", "base", 6, "minilm", api_name="/polysemy")
    assert "bert-base-chinese" in str(err.value) and "python app.py prefetch bert-base-chinese" in str(err.value)
    with pytest.raises(AppError, match="python app.py prefetch bert-base-chinese"):
        client.predict("pingguo", PINGGUO.as_text(), "苹果", "", "base", 6, "bert-base-chinese",
                       api_name="/polysemy")


def test_pingguo_on_the_tiny_chinese_model_pools_both_characters(client, tiny_zh_dir):
    *figures, note = client.predict("pingguo", PINGGUO.as_text(), "苹果", "", "base", 1, str(tiny_zh_dir),
                                    api_name="/polysemy")
    assert "`苹 + 果`" in note and "input-embedding table" in note
    assert len(figure(figures[3])["data"][0]["y"]) == 3


def test_malformed_line_and_unknown_target_are_messages(client):
    with pytest.raises(AppError, match="Line 2"):
        client.predict("bank", "a | the bank\nno separator", "bank", "", "base", 6, "minilm", api_name="/polysemy")
    with pytest.raises(AppError, match="Line 1: 'zebra' is not in the sentence"):
        client.predict("bank", BANK.as_text(), "zebra", "", "base", 6, "minilm", api_name="/polysemy")


def test_tuned_encoder_falls_back_or_runs(client):
    *_, note = client.predict("bank", BANK.as_text(), "bank", "", "tuned", 3, "minilm", api_name="/polysemy")
    assert "encoder:" in note
