"""Attention views: rollout by hand, rows summing to 1 (also after hiding), figures, payload, escaping."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from components.attention.bertviz import bertviz_document, bertviz_html, safe_json, shape_payload
from components.attention.compute import NOTE_KEYS, attention_view, hide, is_punctuation, keep_mask, rollout, select
from components.attention.figures import attention_figure
from components.core.analysis import analyze
from components.core.messages import UserError
from tests.tiny import raises_key

XSS = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def test_rollout_matches_a_hand_computed_three_token_case():
    a0 = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    a1 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    # two identical heads per layer: the head mean is the matrix itself
    att = np.stack([np.stack([a0, a0]), np.stack([a1, a1])])
    # 0.5*A + 0.5*I (rows already sum to 1)
    r0 = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0], [0.0, 0.25, 0.75]])
    m1 = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])
    r1 = np.array([[0.625, 0.375, 0.0], [0.125, 0.5, 0.375], [0.5, 0.125, 0.375]])
    np.testing.assert_allclose(m1 @ r0, r1)
    out = rollout(att)
    assert out.shape == (2, 3, 3)
    np.testing.assert_allclose(out[0], r0, atol=1e-6)
    np.testing.assert_allclose(out[1], r1, atol=1e-6)


@pytest.fixture(scope="module")
def pair(tiny_en):
    return analyze(tiny_en, "The bank raised rates, money!", "We sat by the river.")


@pytest.mark.parametrize("view", ["head", "mean", "grid", "rollout"])
@pytest.mark.parametrize("hide_special,hide_punct", [(False, False), (True, False), (False, True), (True, True)])
def test_every_row_sums_to_one_also_after_hiding(pair, view, hide_special, hide_punct):
    shown = attention_view(pair, view, pair.n_layers - 1, 1, hide_special=hide_special, hide_punct=hide_punct)
    np.testing.assert_allclose(shown.matrix.sum(axis=-1), 1.0, atol=1e-5)
    assert len(shown.tokens) == shown.matrix.shape[-1]
    if hide_special:
        assert "[CLS]" not in shown.tokens and "[SEP]" not in shown.tokens
    if hide_punct:
        assert not any(is_punctuation(t) for t in shown.tokens)
    hidden = [key for key, on in (("attn_hidden_special", hide_special), ("attn_hidden_punct", hide_punct)) if on]
    if hidden:  # the note says what was hidden and that the rows were renormalised
        assert shown.note.key == "attn_note_with_hidden" and shown.note.params["hidden"].key == "attn_note_hidden"
        assert [m.key for m in shown.note.params["hidden"].params["hidden"]] == hidden
    else:
        assert shown.note.key == NOTE_KEYS[view]
    if view == "rollout":
        assert shown.cls_row is not None and abs(float(shown.cls_row.sum()) - 1) < 1e-5


def test_shapes_of_mean_and_grid(pair):
    n = pair.n_tokens
    assert select(pair.attentions, "grid", 0).shape == (pair.n_heads, n, n)
    np.testing.assert_allclose(select(pair.attentions, "mean", 0), pair.attentions[0].mean(axis=0))
    with pytest.raises(UserError) as caught:
        select(pair.attentions, "head", 99)  # array index 99: layer 100, as the student counts
    assert caught.value.msg.key == "attn_no_layer" and caught.value.msg.params == {"layer": 100, "last": pair.n_layers}


def test_hiding_everything_says_how_to_fix_it():
    with raises_key("attn_nothing_left"):
        hide(np.eye(2), np.array([False, False]))
    assert keep_mask(["[CLS]", "。", "##.", "a"], np.array([1, 0, 0, 0], bool), True, True).tolist() == [
        False, False, False, True]


def test_figures_carry_the_matrix_and_mark_the_pair_boundary(pair):
    for view, traces in (("head", 1), ("mean", 1), ("grid", pair.n_heads), ("rollout", 2)):
        shown = attention_view(pair, view, 0, 0)
        fig = attention_figure(shown, "t")
        assert len(fig.data) == traces
        heat = [t for t in fig.data if t.type == "heatmap"][0]
        assert np.asarray(heat.z).shape[-1] == pair.n_tokens
    fig = attention_figure(attention_view(pair, "mean", 0), "t")
    boundary = int(np.argmax(pair.segment_ids == 1)) - 0.5
    assert {s.x0 for s in fig.layout.shapes} >= {boundary}


def test_repeated_tokens_keep_separate_ticks(tiny_en):
    analysis = analyze(tiny_en, "the bank and the bank")
    fig = attention_figure(attention_view(analysis, "head", 0, 0), "t")
    assert list(fig.layout.xaxis.ticktext).count("the") == 2
    columns = list(fig.data[0].x)  # each token its own column: the two "the" are two distinct categories
    assert list(fig.layout.xaxis.tickvals) == columns and len(set(columns)) == analysis.n_tokens


def test_chinese_labels_stay_readable(tiny_zh):
    analysis = analyze(tiny_zh, "我们吃苹果。")
    fig = attention_figure(attention_view(analysis, "mean", 0), "t")
    assert "苹" in fig.layout.xaxis.ticktext and fig.layout.yaxis.tickangle == 0


def raw_markup(fig) -> list[str]:
    """Every string a figure would hand plotly that still holds a tag plotly could interpret."""
    found = []

    def walk(value):
        if isinstance(value, str):
            if re.search(r"<(img|script|/script)", value, re.I):
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.dtype == object):
            for item in value:
                walk(item)

    walk(fig.to_plotly_json())
    return found


@pytest.fixture(scope="module")
def markup_model(tiny_en):
    """tiny_en whose tokenizer keeps each payload whole (an added token is never split), so the
    payload reaches the token labels exactly as typed: the only way markup could reach a figure."""
    import copy
    from dataclasses import replace

    tokenizer = copy.deepcopy(tiny_en.tokenizer)
    tokenizer.add_tokens(XSS)
    encoder = copy.deepcopy(tiny_en.encoder)
    encoder.resize_token_embeddings(len(tokenizer))
    return replace(tiny_en, name="tiny-en-markup", tokenizer=tokenizer, encoder=encoder)


def test_the_markup_check_sees_unescaped_labels(markup_model):
    """Negative control: the same check flags a figure whose token labels were not escaped."""
    import plotly.graph_objects as go

    analysis = analyze(markup_model, f"the bank {XSS[1]}")
    assert XSS[1] in analysis.tokens  # the payload survives tokenization
    raw = go.Figure(go.Heatmap(z=[[1]]), layout=dict(xaxis=dict(ticktext=list(analysis.tokens))))
    assert raw_markup(raw)


@pytest.mark.parametrize("payload", XSS)
def test_user_text_is_escaped_in_figures_and_bertviz(markup_model, payload):
    analysis = analyze(markup_model, f"the bank {payload}", payload)
    assert payload in analysis.tokens
    for view in ("head", "grid", "rollout"):
        assert raw_markup(attention_figure(attention_view(analysis, view, 0, 0), "t", "en")) == []
    document = bertviz_document(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, 0))
    data = re.search(r"id='bl-data'>(.*?)</script>", document, re.S).group(1)
    assert "<" not in data and ">" not in data
    assert json.loads(data)["tokens"] == list(analysis.tokens)
    fragment = bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, 0))
    # outside the srcdoc attribute there is exactly one element: the sandboxed iframe
    srcdoc = re.search(r'srcdoc="([^"]*)"', fragment).group(1)
    assert "<" not in srcdoc and '"' not in srcdoc
    assert "sandbox='allow-scripts'" in fragment and "allow-same-origin" not in fragment
    assert "default-src 'none'" in html.unescape(srcdoc)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", document, flags=re.S)
    assert "src=" not in markup and "href=" not in markup  # every script inline, nothing fetched


def test_safe_json_escapes_line_separators_and_tags():
    text = safe_json(["a\u2028b", "</script>&"])
    assert "\u2028" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == ["a\u2028b", "</script>&"]


def test_payload_keeps_8_bit_levels_compressed_and_bounds_long_inputs():
    import base64
    import zlib

    rng = np.random.default_rng(0)
    att = rng.random((4, 2, 10, 10))
    att /= att.sum(-1, keepdims=True)
    full = shape_payload(att, tuple("abcdefghij"), np.zeros(10), layer=1)
    weights = np.frombuffer(full.weights, np.uint8).reshape(4, 2, 10, 10) / 255
    np.testing.assert_allclose(weights, att, atol=0.5 / 255 + 1e-9)
    document = bertviz_document(full)
    sent = json.loads(re.search(r"id='bl-data'>(.*?)</script>", document, re.S).group(1))["weights"]
    assert zlib.decompress(base64.b64decode(sent)) == full.weights  # what the page inflates is what we shaped
    window = shape_payload(att, tuple("abcdefghij"), np.zeros(10), layer=3, max_weights=2 * 200)
    # array indices (2, 3) are layers 3-4 as the student counts them
    assert window.layers == (2, 3) and window.notice.key == "bv_notice_layers"
    assert window.notice.params == {"first": 3, "last": 4, "n": 4}
    prefix = shape_payload(att, tuple("abcdefghij"), np.zeros(10), layer=3, max_weights=50)
    assert prefix.layers == (3,) and len(prefix.tokens) == 5 and prefix.notice.key == "bv_notice_tokens"
    assert prefix.notice.params == {"layer": 4, "kept": 5, "n": 10}


@pytest.mark.minilm
def test_bertviz_html_for_128_tokens_on_minilm_is_under_1_5_mb(minilm):
    text = " ".join(["students"] + ["read", "the", "long", "story", "aloud", "together"] * 25)
    analysis = analyze(minilm, text, max_length=128)
    assert analysis.n_tokens == 128
    fragment = bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, 0))
    assert len(fragment.encode()) < 1_500_000


def test_bertviz_labels_count_from_1_in_the_readers_language():
    """bertviz's own scripts print 0-based layer/head numbers and English axis titles; ours are patched as
    they are served. The control: bertviz's original source holds each line we rewrite."""
    import base64
    import zlib

    from components.attention.bertviz import PATCHES, _read, _scripts_packed

    for name, patches in PATCHES.items():
        source = _read("bertviz", name)
        for old, _new in patches:
            assert source.count(old) == 1  # control: the original would print the unpatched label
    served = "\n".join(json.loads(zlib.decompress(base64.b64decode(_scripts_packed()))))
    assert '.text("Layers")' not in served and ".text(BL.labels.layers)" in served
    assert ".val(layer).text(layer + 1)" in served
    payload = shape_payload(np.full((2, 2, 3, 3), 1 / 3), ("[CLS]", "a", "[SEP]"), np.zeros(3), layer=0)
    data = json.loads(re.search(r"id='bl-data'>(.*?)</script>", bertviz_document(payload, "zh"), re.S).group(1))
    assert data["labels"] == {"layers": "层", "heads": "注意力头", "detail": "第 %L 层，第 %H 个头"}


@pytest.mark.minilm
def test_a_512_token_heatmap_labels_every_kth_token_so_each_label_can_be_read(minilm):
    from components.core.figures import MAX_TICKS

    text = " ".join(["students"] + ["read", "the", "long", "story", "aloud", "together"] * 90)
    analysis = analyze(minilm, text, max_length=512)
    assert analysis.n_tokens == 512
    fig = attention_figure(attention_view(analysis, "mean", 0), "t", "en")
    ticks = list(fig.layout.xaxis.tickvals)
    assert 32 <= len(ticks) <= MAX_TICKS and ticks[0] == 0 and len(set(np.diff(ticks))) == 1
    assert fig.layout.xaxis.ticktext[1] == f"{ticks[1]} {analysis.tokens[ticks[1]]}"  # numbered by position
    short = attention_figure(attention_view(analyze(minilm, "The cat sat."), "mean", 0), "t", "en")
    assert len(short.layout.xaxis.tickvals) == 6  # the control: a short input labels every token
    assert list(short.layout.xaxis.ticktext) == ["[CLS]", "the", "cat", "sat", ".", "[SEP]"]
