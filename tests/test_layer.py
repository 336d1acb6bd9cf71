"""Inside a layer: every recomputed step equals the model's own (tiny random BERT and RoBERTa built here, the
real minilm), a wrong step is caught by the same checks, bad input gets its message key, the CLI prints the
issue's JSON, and the figures stay valid and light up to 512 pieces."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from components.core.analysis import analyze
from components.core.messages import UserError
from components.core.models import load_model
from components.layer import compute
from components.layer.across import across_layers
from components.layer.compute import inside_layer
from tests.tiny import make_tiny_classifier, raises_key

ATTENTION_TOL, OUTPUT_TOL = 1e-5, 1e-4
TEXT = "The animal didn't cross the street because it was too tired."


@pytest.fixture(scope="module")
def tiny_roberta(tmp_path_factory):
    return load_model(str(make_tiny_classifier(tmp_path_factory.mktemp("roberta"), "roberta", seed=5)))


def all_queries(model, analysis):
    for layer in range(1, analysis.n_layers + 1):
        for head in range(1, analysis.n_heads + 1):
            for token in range(analysis.n_tokens):
                yield inside_layer(model, analysis, layer, head, token)


def assert_parity(model, text, pair=None):
    analysis = analyze(model, text, pair)
    worst_attention = worst_output = 0.0
    for steps in all_queries(model, analysis):
        worst_attention = max(worst_attention, steps.attention_max_abs_diff)
        worst_output = max(worst_output, steps.output_max_abs_diff)
        np.testing.assert_allclose(steps.row.sum(), 1.0, atol=1e-6)
    assert worst_attention <= ATTENTION_TOL and worst_output <= OUTPUT_TOL, (worst_attention, worst_output)
    for token in range(analysis.n_tokens):
        assert across_layers(model, analysis, token).max_abs_diff <= OUTPUT_TOL


def test_every_layer_head_and_token_of_tiny_bert_equals_the_model(tiny_en):
    assert_parity(tiny_en, "the bank raised interest rates", "we sat on the river bank")


def test_a_chinese_tiny_bert_equals_the_model(tiny_zh):
    assert_parity(tiny_zh, "我们在河边吃苹果。")


def test_a_tiny_roberta_equals_the_model(tiny_roberta):
    assert tiny_roberta.model_type == "roberta"
    assert_parity(tiny_roberta, "we sat on the river bank", "the bank raised interest rates")


def test_minilm_layer_by_layer_equals_the_model(minilm):
    analysis = analyze(minilm, TEXT)
    for layer in range(1, analysis.n_layers + 1):
        for head in (1, 6, 12):
            steps = inside_layer(minilm, analysis, layer, head, 10)
            assert steps.attention_max_abs_diff <= ATTENTION_TOL and steps.output_max_abs_diff <= OUTPUT_TOL
    assert across_layers(minilm, analysis, 10).max_abs_diff <= OUTPUT_TOL


def _captured(model, text, layer):
    """The model's own intermediate tensors of one layer, caught with forward hooks on its submodules."""
    module = model.encoder.encoder.layer[layer - 1]
    parts = {"query": module.attention.self.query, "key": module.attention.self.key,
             "value": module.attention.self.value, "update": module.attention.output.dense,
             "h1": module.attention.output.LayerNorm, "active": module.intermediate, "ffn": module.output.dense,
             "output": module.output.LayerNorm}
    seen, hooks = {}, []
    for name, part in parts.items():
        hooks.append(part.register_forward_hook(lambda _m, _i, out, name=name: seen.__setitem__(name, out[0].detach())))
    try:
        enc = model.tokenizer(text, return_tensors="pt")
        with torch.inference_mode():
            model.encoder(**enc)
    finally:
        for hook in hooks:
            hook.remove()
    return seen


@pytest.mark.parametrize("which", ["tiny", "minilm"])
def test_every_intermediate_step_equals_the_model_s_own_tensor(which, tiny_en, minilm):
    model, text, layer, head, token = ((tiny_en, "the bank raised interest rates", 2, 3, 2) if which == "tiny"
                                       else (minilm, TEXT, 4, 2, 10))
    steps = inside_layer(model, analyze(model, text), layer, head, token)
    seen = _captured(model, text, layer)
    d, cols = steps.d_head, slice((head - 1) * steps.d_head, head * steps.d_head)
    assert d * steps.n_heads == seen["query"].shape[-1]
    pairs = {"q": (steps.q, seen["query"][token, cols]), "keys": (steps.keys, seen["key"][:, cols]),
             "values": (steps.values, seen["value"][:, cols]), "update": (steps.update, seen["update"][token]),
             "h1": (steps.h1, seen["h1"][token]), "active": (steps.active, seen["active"][token]),
             "ffn": (steps.ffn, seen["ffn"][token]), "output": (steps.output, seen["output"][token])}
    for name, (ours, theirs) in pairs.items():
        np.testing.assert_allclose(ours, theirs.numpy(), atol=OUTPUT_TOL, err_msg=name)


def test_negative_control_no_sqrt_d_scaling_is_caught(minilm, monkeypatch):
    analysis = analyze(minilm, TEXT)
    monkeypatch.setattr(compute, "attention_scores", lambda dots, d_head: dots)
    steps = inside_layer(minilm, analysis, 4, 2, 10)
    assert steps.attention_max_abs_diff > 1e-2 and steps.output_max_abs_diff > 1e-2


def test_negative_control_a_wrong_head_slice_is_caught(minilm, monkeypatch):
    analysis = analyze(minilm, TEXT)
    right = compute.split_heads
    monkeypatch.setattr(compute, "split_heads", lambda v, n: torch.roll(right(v, n), 1, dims=-2))  # head h reads h-1
    steps = inside_layer(minilm, analysis, 4, 2, 10)
    assert steps.attention_max_abs_diff > 1e-2


def test_negative_control_a_layer_norm_with_the_unbiased_variance_is_caught(tiny_en, monkeypatch):
    """On tiny random weights the softmax is nearly uniform: there the output check is the one that sees a
    wrong step, such as torch's default (unbiased) variance inside LayerNorm."""
    analysis = analyze(tiny_en, "the bank raised interest rates")

    def unbiased(x, norm):
        return (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + norm.eps) * norm.weight + norm.bias

    monkeypatch.setattr(compute, "layer_norm", unbiased)
    assert inside_layer(tiny_en, analysis, 1, 1, 1).output_max_abs_diff > 1e-3


@pytest.mark.parametrize("layer,head,token,key", [
    (0, 1, 1, "layer_bad_layer"), (3, 1, 1, "layer_bad_layer"), (1, 0, 1, "layer_bad_head"),
    (1, 5, 1, "layer_bad_head"), (1, 1, -1, "layer_bad_token"), (1, 1, 7, "layer_bad_token"),
])
def test_out_of_range_choices_get_their_message(tiny_en, layer, head, token, key):
    analysis = analyze(tiny_en, "the bank raised rates")  # 6 pieces, 2 layers, 4 heads
    with pytest.raises(UserError) as exc:
        inside_layer(tiny_en, analysis, layer, head, token)
    assert exc.value.msg.key == key


def test_a_distilbert_model_is_told_which_models_work(tmp_path):
    model = load_model(str(make_tiny_classifier(tmp_path / "distil", "distilbert")))
    with raises_key("layer_unsupported", model_type="distilbert") as exc:
        inside_layer(model, analyze(model, "the bank raised rates"), 1, 1, 1)
    assert "RoBERTa" in exc.value.msg.params["supported"]  # the models that work


def test_the_record_holds_what_the_issue_asks(tiny_en):
    from components.layer.view import record

    analysis = analyze(tiny_en, "the bank raised rates")
    steps = inside_layer(tiny_en, analysis, 2, 3, 2)
    data = json.loads(json.dumps(record(steps, across_layers(tiny_en, analysis, 2))))
    assert {"tokens", "layer", "head", "token", "scores", "attention_row", "output", "checks", "numbering"} <= set(data)
    assert data["tokens"] == ["[CLS]", "the", "bank", "raised", "rates", "[SEP]"]
    assert (data["layer"], data["head"], data["token"]) == (2, 3, 2)
    assert data["numbering"] == "layers and heads from 1" and data["reads"] == "hidden_states[1]"
    assert len(data["scores"]) == len(data["attention_row"]) == 6 and len(data["output"]) == 32
    np.testing.assert_allclose(data["output"], analysis.hidden_states[2, 2], atol=OUTPUT_TOL)
    assert set(data["checks"]) == {"attention_max_abs_diff", "output_max_abs_diff"}


def test_the_guess_is_ranked_and_the_default_query_skips_cls(tiny_en):
    from components.layer.view import default_query, guess_markdown

    analysis = analyze(tiny_en, "the bank raised rates")
    steps = inside_layer(tiny_en, analysis, 1, 1, 2)
    top = int(np.argmax(steps.row))
    assert "rank" not in guess_markdown(steps, top, True, "en") and "rank" in guess_markdown(steps, (top + 1) % 6,
                                                                                               True, "en")
    assert guess_markdown(steps, None, False, "en") == "" and "Guess first" in guess_markdown(steps, None, True, "en")
    assert "猜对了" in guess_markdown(steps, top, True, "zh") and "先猜一猜" in guess_markdown(steps, None, True, "zh")
    assert default_query(analysis) == 1


def test_cli_json_and_input_file_with_a_failing_line(tiny_en_dir, tmp_path, capsys):
    from components.cli import main

    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join([
        json.dumps({"text": "the bank raised rates", "layer": 2, "head": 3, "token": 2}),
        json.dumps({"text": "the bank", "layer": 1, "head": 1, "token": 9}),
        "",
        json.dumps({"text": "   ", "layer": 1, "head": 1, "token": 0}),
        json.dumps({"text": "we sat", "pair": "on the bank", "layer": 1, "head": 4}),
    ]), encoding="utf-8")
    assert main(["layer", "--model", str(tiny_en_dir), "--input", str(queries), "--json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [sorted(line)[:2] if "error" in line else line["token"] for line in lines] == [
        2, ["error", "line"], ["error", "line"], 1]
    assert lines[1]["line"] == 2 and "0 to 3" in lines[1]["error"] and lines[2]["line"] == 4
    assert lines[3]["tokens"][-1] == "[SEP]" and lines[3]["tokens"].count("[SEP]") == 2
    assert main(["layer", "--model", str(tiny_en_dir), "--text", "the bank raised rates", "--layer", "2", "--head",
                 "3", "--token", "2", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["checks"]["attention_max_abs_diff"] <= ATTENTION_TOL and one["numbering"] == "layers and heads from 1"
    assert main(["layer", "--model", str(tiny_en_dir), "--text", "the bank", "--layer", "9"]) == 1
    assert "no layer 9" in capsys.readouterr().err


def test_every_figure_is_valid_plotly_and_speaks_the_session_language(tiny_en):
    from components.layer import figures

    analysis = analyze(tiny_en, "the bank raised rates", "we sat by the river")
    steps = inside_layer(tiny_en, analysis, 2, 2, 3)
    across = across_layers(tiny_en, analysis, 3)
    built = [getattr(figures, name)(steps, "zh") for name in (
        "input_figure", "products_figure", "softmax_figure", "head_output_figure", "concat_figure",
        "residual_figure", "ffn_figure")] + [figures.across_figure(across, steps, "zh")]
    for fig in built:
        go.Figure(fig.to_dict())  # validated now: a wrong property name or value raises
        assert fig.layout.meta["export"].startswith("bertlens-layer-")
        assert "font" in fig.to_dict()["layout"]["template"]["layout"]  # the template itself, not its name
        # a scale by name would reach the browser unresolved (plotly.js has no "RdBu_r"): scales are written out
        assert not any(isinstance(trace.to_plotly_json().get("colorscale"), str) for trace in fig.data)
    softmax = built[2]
    np.testing.assert_allclose(softmax.data[1].y, steps.row)
    np.testing.assert_allclose(softmax.data[2].y, steps.model_row)
    assert "总和" in softmax.layout.title.text and list(built[-1].data[0].x) == [1, 2]
    # layer k's bars stand above hidden state k (the state it writes): both axes span the same x range
    assert list(built[-1].layout.xaxis.range) == list(built[-1].layout.xaxis2.range) == [-0.5, 2.5]


def test_a_negative_control_the_validation_sees_a_wrong_property():
    with pytest.raises(ValueError):
        go.Figure({"data": [{"type": "bar", "colour": "red"}], "layout": {}})


def test_512_pieces_work_and_the_figures_stay_light(minilm):
    from components.layer import figures

    text = " ".join(["students read the long story aloud together after lunch"] * 80)
    analysis = analyze(minilm, text)
    assert analysis.n_tokens == 512 and analysis.truncated
    steps = inside_layer(minilm, analysis, 6, 12, 511)
    assert steps.attention_max_abs_diff <= ATTENTION_TOL and steps.output_max_abs_diff <= OUTPUT_TOL
    across = across_layers(minilm, analysis, 511)
    built = [figures.input_figure(steps, "en"), figures.products_figure(steps, "en"),
             figures.softmax_figure(steps, "en"), figures.head_output_figure(steps, "en"),
             figures.across_figure(across, steps, "en")]
    sizes = [len(fig.to_json()) for fig in built]
    assert sum(sizes) < 1_500_000, sizes
    ticks = built[1].layout.yaxis.ticktext
    assert len(ticks) <= figures.MAX_LABELS + 1 and ticks[-1].startswith("511 ")
    assert built[1].data[0].customdata is None  # no per-cell hover payload at this size
