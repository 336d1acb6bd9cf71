"""One numbering of layers and heads (layers 1..N, heads 1..H, hidden states 0..N) and controls that
follow the model: a number the model does not have is brought into range with a notice, never shown as
something else, and never answered with Gradio's own English bound error."""

from __future__ import annotations

import gradio as gr
import pytest

from components.core.messages import Msg, render
from components.core.models import model_shape
from components.core.numbering import NUMBERING, clamp, head_name, span
from components.ui.shell import read_link
from components.ui.sliders import Slider, is_model_slider, model_slider
from tests.tiny import shows


def test_spans_count_layers_and_heads_from_1_and_hidden_states_from_0():
    assert span("layer", (6, 12)) == (1, 6) and span("head", (6, 12)) == (1, 12) and span("hidden", (6, 12)) == (0, 6)
    assert head_name(2, 5) == "L3H6" and NUMBERING == "layers and heads from 1"


def test_a_number_in_range_is_kept_silently_and_its_index_is_one_less():
    kept = clamp("layer", 3, (6, 12), "minilm")
    assert (kept.number, kept.index, kept.notice) == (3, 2, None)
    hidden = clamp("hidden", 0, (6, 12), "minilm")  # the embedding output
    assert (hidden.number, hidden.index, hidden.notice) == (0, 0, None)


@pytest.mark.parametrize("kind, asked, shown", [("layer", 9, 6), ("layer", 0, 1), ("head", -5, 1), ("head", 13, 12),
                                                ("hidden", 7, 6), ("layer", 2.6, 3)])
def test_a_number_the_model_lacks_is_brought_into_range_with_a_notice(kind, asked, shown):
    clamped = clamp(kind, asked, (6, 12), "minilm")
    assert clamped.number == shown and clamped.notice is not None and clamped.notice.key == "num_clamped"
    assert clamped.notice.params["shown"] == shown
    assert all(render(clamped.notice, lang) for lang in ("en", "zh"))


def test_model_shape_reads_the_config_without_loading_weights(tiny_en_dir, tmp_path):
    import shutil

    from components.core import models

    fresh = shutil.copytree(tiny_en_dir, tmp_path / "never-loaded")  # a name no other test has loaded
    assert model_shape("minilm") == (6, 12)
    assert model_shape(str(fresh)) == (2, 4)
    assert str(fresh) not in models._models  # read from config.json, not loaded
    assert model_shape("bert-base-chinese") == (12, 12)  # not downloaded here: the preset's published shape


def test_a_model_slider_starts_in_the_default_models_range_and_lets_the_handler_clamp():
    with gr.Blocks():
        layer = model_slider("layer", 9, "minilm", label="layer")
        plain = gr.Slider(0, 11, value=3)
    assert (layer.minimum, layer.maximum, layer.value) == (1, 6, 6) and is_model_slider(layer)
    assert layer.preprocess(40.0) == 40.0  # no English bound error from Gradio: our handler clamps with a notice
    with pytest.raises(gr.Error):  # control: a plain slider answers with Gradio's own (English) error
        plain.preprocess(40.0)
    assert not is_model_slider(plain)


def test_a_link_to_a_layer_the_model_lacks_opens_the_nearest_with_a_notice(tiny_en_dir):
    with gr.Blocks():
        layer = model_slider("layer", 3, "minilm", label="layer")
        head = model_slider("head", 1, "minilm", label="head")
    fields = {"attention": {"layer": layer, "head": head}}
    models = ("minilm", str(tiny_en_dir))
    tab, values, notices = read_link({"tab": "attention", "layer": "9", "head": "12"}, fields, models, 40, "minilm")
    assert tab == "attention" and values == {layer: 6, head: 12}
    assert [n.key for n in notices] == ["num_clamped"] and notices[0].params["asked"] == "9"
    _, values, notices = read_link({"tab": "attention", "model": str(tiny_en_dir), "layer": "2", "head": "12"},
                                   fields, models, 40, "minilm")
    assert values == {layer: 2, head: 4} and [n.params["shown"] for n in notices] == [4]


@pytest.mark.minilm
def test_the_attention_endpoint_numbers_from_1_and_clamps_with_a_notice(client):
    text = "The cat sat on the mat."
    _figure, note = client.predict(text, "", "minilm", 6, 12, "head", False, False, api_name="/attention")
    assert shows(Msg("attn_note_head", layer=6, head=12), note) and not shows("num_clamped", note)
    _figure, note = client.predict(text, "", "minilm", 9, 13, "head", False, False, api_name="/attention")
    assert shows(Msg("attn_note_head", layer=6, head=12), note)
    for what, asked, shown, last in (("num_what_layer", "9", 6, 6), ("num_what_head", "13", 12, 12)):
        expected = Msg("num_clamped", what=Msg(what), asked=asked, model="minilm", first=1, last=last, shown=shown)
        assert render(expected, "en").split(" (")[0] in note


def test_every_other_slider_brings_an_api_value_into_range_instead_of_gradios_english_error():
    with gr.Blocks():
        steps = Slider(8, 64, value=32, step=8)
        control = gr.Slider(0, 1, value=0.5)
    assert steps.preprocess(-5) == 8 and steps.preprocess(1000) == 64 and steps.preprocess(16) == 16
    with pytest.raises(gr.Error):  # the control: Gradio's own slider answers with its English error
        control.preprocess(-5)


def test_a_slider_rebuilt_for_a_session_by_an_update_keeps_its_own_bound_handling():
    """Gradio rebuilds a component from its class when an event updates its properties (a model switch sets a
    new maximum): the rebuilt slider must still pass numbers on (it answered 'Value 6 is greater than maximum
    value 2.' when the handling was an instance attribute)."""
    with gr.Blocks():
        layer = model_slider("layer", 3, "minilm", label="layer")
        steps = Slider(8, 64, value=32, step=8)
    rebuilt = layer.__class__(**{**layer.constructor_args, "minimum": 1, "maximum": 2, "render": False})
    assert (rebuilt.minimum, rebuilt.maximum) == (1, 2) and rebuilt.preprocess(6) == 6.0
    again = steps.__class__(**{**steps.constructor_args, "maximum": 16, "render": False})
    assert again.preprocess(40) == 16


def test_no_lesson_builds_gradios_own_slider():
    from pathlib import Path

    sources = {p: p.read_text(encoding="utf-8") for p in Path("components").rglob("*.py") if p.name != "sliders.py"}
    assert [str(p) for p, text in sources.items() if "gr.Slider(" in text] == []
    assert "gr.Slider(" in Path(__file__).read_text(encoding="utf-8")  # control: this file builds one, and is seen


def test_the_page_gets_a_model_sliders_label_and_id():
    """A component class's page properties are the parameters its initializer names: a subclass with its own
    __init__ sent the page no label and no id (the browser could not find #polysemy-layer)."""
    with gr.Blocks():
        layer = model_slider("hidden", 6, "minilm", label="Layer shown", elem_id="polysemy-layer")
    props = layer.get_config()
    assert (props["elem_id"], props["label"], props["minimum"], props["maximum"]) == ("polysemy-layer",
                                                                                      "Layer shown", 0, 6)
