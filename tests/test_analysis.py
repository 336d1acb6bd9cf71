"""The one analysis pass: shapes, offsets, segments, truncation, caching, cleaning."""

from __future__ import annotations

import numpy as np
import pytest

from components.core.analysis import analyze, char_span_to_tokens, clean_text


def test_shapes_and_rows_sum_to_one(tiny_en):
    a = analyze(tiny_en, "The bank raised interest rates.")
    cfg = tiny_en.config
    assert a.attentions.shape == (cfg.num_hidden_layers, cfg.num_attention_heads, a.n_tokens, a.n_tokens)
    assert a.hidden_states.shape == (cfg.num_hidden_layers + 1, a.n_tokens, cfg.hidden_size)
    np.testing.assert_allclose(a.attentions.sum(-1), 1.0, atol=1e-5)
    assert a.tokens[0] == "[CLS]" and a.tokens[-1] == "[SEP]"
    assert a.special.tolist() == [True] + [False] * (a.n_tokens - 2) + [True]
    assert a.logits is None


def test_offsets_point_at_the_original_characters(tiny_en):
    text = "The banks raised naïve rates"
    a = analyze(tiny_en, text)
    for tok, (s, e), sp in zip(a.tokens, a.offsets, a.special):
        if not sp:
            assert text[s:e].lower().replace("ï", "i") == tok.removeprefix("##")


def test_sentence_pair_has_segments_and_two_seps(tiny_en):
    a = analyze(tiny_en, "the bank", "the river")
    assert a.tokens.count("[SEP]") == 2
    first_sep = a.tokens.index("[SEP]")
    assert set(a.segment_ids[: first_sep + 1]) == {0}
    assert set(a.segment_ids[first_sep + 1:]) == {1}


def test_results_are_cached_by_model_and_text(tiny_en):
    assert analyze(tiny_en, "the bank") is analyze(tiny_en, "  the bank ")
    assert analyze(tiny_en, "the bank") is not analyze(tiny_en, "the river")


def test_overlong_input_is_truncated_and_said_so(tiny_en):
    text = " ".join(["bank"] * 200)
    a = analyze(tiny_en, text)
    assert a.truncated and a.n_tokens == tiny_en.max_length and a.n_tokens_full == 202
    assert any("reads at most" in w for w in a.warnings())
    assert a.tokens[-1] == "[SEP]"


def test_chinese_characters_are_single_tokens(tiny_zh):
    a = analyze(tiny_zh, "我吃苹果")
    assert a.tokens[1:-1] == ("我", "吃", "苹", "果")
    assert char_span_to_tokens(a, 2, 4) == [3, 4]


def test_mostly_unknown_text_is_flagged(tiny_en):
    a = analyze(tiny_en, "我喜欢吃苹果")
    assert a.unk_fraction == 1.0
    assert any("[UNK]" in w for w in a.warnings())


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", None])
def test_empty_text_is_a_readable_error(bad):
    with pytest.raises(ValueError, match="empty"):
        clean_text(bad)


def test_control_characters_become_spaces():
    assert clean_text("a\x00b\x07c") == "a b c"


def test_huge_text_is_refused_with_the_limit():
    with pytest.raises(ValueError, match="characters"):
        clean_text("word " * 20_000)


def test_span_mapping_picks_the_right_occurrence(tiny_en):
    text = "the bank by the bank"
    a = analyze(tiny_en, text)
    second = text.rindex("bank")
    [i] = char_span_to_tokens(a, second, second + 4)
    assert a.tokens[i] == "bank" and i == 5


def test_span_outside_sentence_is_an_error(tiny_en):
    a = analyze(tiny_en, "the bank")
    with pytest.raises(ValueError, match="outside"):
        char_span_to_tokens(a, 3, 99)
