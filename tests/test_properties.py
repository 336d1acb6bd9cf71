"""Property-based tests (hypothesis) of the pure functions, on the tiny models: whatever the text,
tokens and offsets agree, attention rows sum to 1, and only the documented ValueErrors escape."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from components.attention.compute import VIEWS, attention_view, rollout
from components.core.analysis import MAX_CHARS, Analysis, analyze, char_span_to_tokens, clean_text
from components.core.messages import Msg, UserError
from components.polysemy.sentences import locate, parse_lines, parse_span
from components.polysemy.static_vectors import read_vectors
from tests.tiny import raises_key

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = ["bank", "river", "the", " ", " ", "\n", "\t", ".", ",", "!", "银", "行", "苹果", "我们", "。", "，",
          "😀", "👨\u200d👩\u200d👧", "🏦", "שלום", "مرحبا", "Банк", "\x00", "\x1b", "\x7f", "\u200b", "\ufeff",
          "\ufffd", "\u202e", "\u0301", "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "<b>", "</script>", "**",
          "`", "##s", "naïve", "Café", "ǅ", "ﬁ", "İ", "ß", "\ud800", "\U0010ffff", "a" * 300]
texts = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=30).map("".join),
)
DOCUMENTED = ("text_empty", "text_too_long", "analysis_nothing_to_read")  # the messages any text may get


def check_analysis(a: Analysis, model) -> None:
    t = a.n_tokens
    assert len(a.tokens) == len(a.offsets) == len(a.input_ids) == len(a.word_ids) == t
    assert a.special.shape == a.segment_ids.shape == (t,)
    assert 2 <= t <= model.max_length
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
    assert a.attentions.shape == (n_layers, n_heads, t, t)
    assert a.hidden_states.shape == (n_layers + 1, t, model.config.hidden_size)
    np.testing.assert_allclose(a.attentions.sum(-1), 1.0, atol=1e-4)
    assert np.isfinite(a.hidden_states).all()
    # [CLS] first, [SEP] closing each segment, and "special" exactly for the special ids but [UNK]
    tok = model.tokenizer
    assert a.tokens[0] == "[CLS]" and a.tokens[-1] == "[SEP]" and a.special[0] and a.special[-1]
    special_ids = set(tok.all_special_ids) - {tok.unk_token_id}
    assert a.special.tolist() == [int(i) in special_ids for i in a.input_ids]
    assert list(tok.convert_ids_to_tokens(a.input_ids.tolist())) == list(a.tokens)
    last_start = {0: 0, 1: 0}
    for (start, end), seg, special in zip(a.offsets, a.segment_ids, a.special):
        source = a.text if seg == 0 else (a.text_pair or "")
        assert 0 <= start <= end <= len(source)
        if not special:
            assert end > start  # every real token comes from characters
            assert start >= last_start[int(seg)]  # and they come in reading order
            last_start[int(seg)] = start
    assert (a.segment_ids == 1).any() == (a.text_pair is not None)
    assert 0.0 <= a.unk_fraction <= 1.0


def analyze_or_documented(model, text, pair=None):
    try:
        return analyze(model, text, pair)
    except UserError as exc:
        assert exc.msg.key in DOCUMENTED, str(exc)
        return None


def check_any_text(model, text, pair) -> None:
    a = analyze_or_documented(model, text, pair)
    if a is not None:
        assert a.text == clean_text(text)
        check_analysis(a, model)


@SETTINGS
@given(text=texts, pair=st.one_of(st.none(), texts))
def test_analyze_english_wordpiece_is_consistent_or_a_documented_error(tiny_en, text, pair):
    check_any_text(tiny_en, text, pair)


@SETTINGS
@given(text=texts, pair=st.one_of(st.none(), texts))
def test_analyze_chinese_characters_is_consistent_or_a_documented_error(tiny_zh, text, pair):
    check_any_text(tiny_zh, text, pair)


def test_text_beyond_the_limit_is_refused(tiny_en):
    with raises_key("text_too_long", n=MAX_CHARS + 1, limit=MAX_CHARS):
        analyze(tiny_en, "a" * (MAX_CHARS + 1))


@SETTINGS
@given(text=texts, view=st.sampled_from(VIEWS), layer=st.integers(0, 1), head=st.integers(0, 3),
       hide_special=st.booleans(), hide_punct=st.booleans())
def test_attention_views_keep_rows_summing_to_one(tiny_en, text, view, layer, head, hide_special, hide_punct):
    a = analyze_or_documented(tiny_en, text)
    assume(a is not None)
    try:
        shown = attention_view(a, view, layer, head, hide_special=hide_special, hide_punct=hide_punct)
    except UserError as exc:  # the documented all-hidden case
        assert exc.msg.key == "attn_nothing_left", str(exc)
        return
    np.testing.assert_allclose(shown.matrix.sum(-1), 1.0, atol=1e-4)
    assert shown.matrix.shape[-1] == len(shown.tokens) == len(shown.kept)
    assert not hide_special or not any(a.special[i] for i in shown.kept)
    if shown.cls_row is not None:
        np.testing.assert_allclose(shown.cls_row.sum(), 1.0, atol=1e-4)
    np.testing.assert_allclose(rollout(a.attentions).sum(-1), 1.0, atol=1e-4)


@SETTINGS
@given(text=texts, start=st.integers(-5, 100), length=st.integers(-2, 30))
def test_char_span_to_tokens_overlaps_the_span_or_raises(tiny_zh, text, start, length):
    a = analyze_or_documented(tiny_zh, text)
    assume(a is not None)
    end = start + length
    try:
        picked = char_span_to_tokens(a, start, end)
    except UserError as exc:
        assert exc.msg.key in {"analysis_span_outside", "analysis_span_truncated", "analysis_span_unk",
                               "analysis_span_special"}, str(exc)
        return
    assert picked and 0 <= start < end <= len(a.text)
    for i in picked:
        s, e = a.offsets[i]
        assert s < end and e > start and not a.special[i] and a.segment_ids[i] == 0


lines = st.lists(st.one_of(
    st.tuples(st.text(max_size=10), st.text(max_size=30)).map(lambda p: f"{p[0]} | {p[1]}"),
    st.tuples(st.text(max_size=10), st.text(max_size=30), st.text(max_size=8)).map(lambda p: " | ".join(p)),
    texts, st.just("# comment"), st.just(""), st.just("a | b | 1:2 | x"),
), max_size=12).map("\n".join)


def names_a_line(msg: Msg) -> bool:
    """The message, or the part of it that says where (a sentence or a span on a line), has the line's number."""
    return "line" in msg.params or any(isinstance(p, Msg) and names_a_line(p) for p in msg.params.values())


@SETTINGS
@given(text=lines)
@example(text="\x1b|0\x850|0")  # found on CI: a sense of one control character, and U+0085 ending a line
def test_sentence_list_parser_raises_only_value_errors_naming_the_line(text):
    try:
        parsed = parse_lines(text)
    except UserError as exc:
        assert names_a_line(exc.msg) or exc.msg.key == "poly_two_sentences", str(exc)
        return
    assert len(parsed) >= 2
    for line in parsed:
        assert line.sense and line.text == clean_text(line.text) and line.number >= 1
        assert line.span is None or 0 <= line.span[0] < line.span[1]


@SETTINGS
@given(raw=st.one_of(st.text(max_size=20), st.from_regex(r"-?\d{1,3}:-?\d{1,3}", fullmatch=True)))
def test_span_parser_returns_an_ordered_span_or_a_span_message(raw):
    try:
        span = parse_span(raw)
    except UserError as exc:
        assert exc.msg.key in {"poly_span_format", "poly_span_order"}, str(exc)
        return
    assert span is None or 0 <= span[0] < span[1]


@SETTINGS
@given(text=texts, target=texts, lower=st.booleans(), strip=st.booleans())
def test_locate_returns_a_span_inside_the_text_or_raises(text, target, lower, strip):
    try:
        start, end = locate(text, target, lower=lower, strip=strip)
    except UserError as exc:
        assert exc.msg.key in {"poly_not_in_sentence", "poly_target_empty"}, str(exc)
        return
    assert 0 <= start < end <= len(text)


glove_bytes = st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(st.one_of(st.sampled_from(["0.1", "-2", "1e3", "nan", "inf", "x", "", "3 2"]),
                                st.text(max_size=4)), max_size=5).map(" ".join), max_size=8)
    .map(lambda rows: "\n".join(rows).encode("utf-8", "surrogatepass")),
)


@SETTINGS
@given(data=glove_bytes, suffix=st.sampled_from([".txt", ".gz", ".zip", ".bin"]), compress=st.booleans(),
       words=st.one_of(st.none(), st.lists(st.sampled_from(["bank", "0.1", "x", ""]), max_size=3)))
def test_glove_reader_on_garbage_raises_only_value_error(data, suffix, compress, words):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"vectors{suffix}"
        path.write_bytes(gzip.compress(data) if compress and suffix == ".gz" else data)
        try:
            vectors = read_vectors(path, words)
        except ValueError as exc:  # a message naming the file (and the line)
            assert isinstance(exc, UserError) and exc.msg.params.get("file") == path.name, str(exc)
            return
    assert vectors.matrix.shape == (len(vectors.words), vectors.dim)
    assert np.isfinite(vectors.matrix).all()
