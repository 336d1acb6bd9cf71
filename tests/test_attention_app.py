"""/attention through gradio_client: a Plotly figure and a note; /attention_bertviz: the offline bertviz HTML."""

from __future__ import annotations

import json

import pytest

from components.core.messages import Msg, render, t
from tests.tiny import shows


def _figure(plot) -> dict:
    value = plot.get("plot", plot) if isinstance(plot, dict) else plot
    return json.loads(value) if isinstance(value, str) else value


def test_attention_endpoint_returns_heatmap_and_note(client):
    plot, note = client.predict("The animal didn't cross the street because it was too tired.",
                                      "It had walked all day.", "minilm", 5, 3, "head", False, False,
                                      api_name="/attention")
    figure = _figure(plot)
    heat = [t for t in figure["data"] if t["type"] == "heatmap"]
    z = heat[0]["z"]
    rows = int(z["shape"].split(",")[0]) if isinstance(z, dict) else len(z)  # plotly may send typed arrays
    assert rows == len(figure["layout"]["xaxis"]["ticktext"]) > 10
    assert t("attn_note_head", "en", layer=5, head=3) in note


def test_bertviz_endpoint_returns_the_sandboxed_views(client):
    page = client.predict("The animal didn't cross the street because it was too tired.", "It had walked all day.",
                          "minilm", 5, api_name="/attention_bertviz")
    assert page.startswith("<iframe") and "sandbox='allow-scripts'" in page and len(page) < 1_500_000


def test_hiding_tokens_is_said_in_the_note(client):
    _plot, note = client.predict("Hello, world!", "", "minilm", 0, 0, "rollout", True, True,
                                        api_name="/attention")
    hidden = Msg("attn_note_hidden", hidden=[Msg("attn_hidden_special"), Msg("attn_hidden_punct")])
    assert render(hidden, "en") in note


def test_empty_text_is_a_message(client):
    with pytest.raises(Exception) as err:
        client.predict("  ", "", "minilm", 0, 0, "mean", False, False, api_name="/attention")
    assert shows(Msg("text_empty", what=Msg("text_what_text")), str(err.value))
