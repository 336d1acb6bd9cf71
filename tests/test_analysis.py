"""The one analysis pass: shapes, offsets, segments, truncation, caching, cleaning."""

from __future__ import annotations

import numpy as np
import pytest

from components.core.analysis import analyze, char_span_to_tokens, clean_text
from components.core.text import MAX_CHARS
from tests.tiny import raises_key


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
    [note] = [w for w in a.warnings() if w.key == "analysis_truncated"]
    assert note.params["full"] == 202 and note.params["shown"] == tiny_en.max_length
    assert a.tokens[-1] == "[SEP]"


def test_chinese_characters_are_single_tokens(tiny_zh):
    a = analyze(tiny_zh, "我吃苹果")
    assert a.tokens[1:-1] == ("我", "吃", "苹", "果")
    assert char_span_to_tokens(a, 2, 4) == [3, 4]


def test_mostly_unknown_text_is_flagged(tiny_en):
    a = analyze(tiny_en, "我喜欢吃苹果")
    assert a.unk_fraction == 1.0
    assert [w.params["share"] for w in a.warnings() if w.key == "analysis_mostly_unk"] == [1.0]


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01", None])
def test_empty_text_is_a_readable_error(bad):
    with raises_key("text_empty"):
        clean_text(bad)


def test_control_characters_become_spaces():
    assert clean_text("a\x00b\x07c") == "a b c"


def test_huge_text_is_refused_with_the_limit():
    huge = "word " * MAX_CHARS  # five times the limit
    with raises_key("text_too_long", n=len(huge.strip()), limit=MAX_CHARS):
        clean_text(huge)


def test_span_mapping_picks_the_right_occurrence(tiny_en):
    text = "the bank by the bank"
    a = analyze(tiny_en, text)
    second = text.rindex("bank")
    [i] = char_span_to_tokens(a, second, second + 4)
    assert a.tokens[i] == "bank" and i == 5


def test_span_outside_sentence_is_an_error(tiny_en):
    a = analyze(tiny_en, "the bank")
    with raises_key("analysis_span_outside", start=3, end=99, length=len("the bank")):
        char_span_to_tokens(a, 3, 99)


def test_thirty_identical_requests_at_once_run_the_model_once(tiny_en):
    """Single flight: the first caller computes, the other 29 wait for its result."""
    import threading
    import time

    from components.core.models import LoadedModel

    calls = []
    started = threading.Event()

    class Counting(LoadedModel):
        def run(self, *args, **kwargs):
            calls.append(1)
            started.set()
            time.sleep(0.3)  # long enough that every other thread arrives while this one computes
            return super().run(*args, **kwargs)

    model = Counting(name="counting-tiny", source="test", tokenizer=tiny_en.tokenizer, encoder=tiny_en.encoder)
    results = []
    threads = [threading.Thread(target=lambda: results.append(analyze(model, "the bank by the river")))
               for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 30 and all(r is results[0] for r in results)


def test_single_flight_control_distinct_texts_each_run(tiny_en):
    """Negative control for the test above: the counter does see every real forward pass."""
    from components.core.models import LoadedModel

    calls = []

    class Counting(LoadedModel):
        def run(self, *args, **kwargs):
            calls.append(1)
            return super().run(*args, **kwargs)

    model = Counting(name="counting-tiny-2", source="test", tokenizer=tiny_en.tokenizer, encoder=tiny_en.encoder)
    for text in ("the bank", "the river", "the money"):
        analyze(model, text)
    assert len(calls) == 3


def test_a_failure_reaches_every_waiter_and_is_not_cached():
    import threading

    from components.core.cache import Cache

    cache = Cache("test", max_entries=4)
    gate = threading.Event()
    errors = []

    def boom():
        gate.wait(2)
        raise RuntimeError("broken")

    def call():
        try:
            cache.get_or_compute("k", boom)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert len(errors) == 5 and cache.stats.misses == 1 and cache.stats.waits == 4
    assert cache.get_or_compute("k", lambda: "ok") == "ok"


def test_cache_is_bounded_by_bytes_and_entries():
    from components.core.cache import Cache

    by_bytes = Cache("bytes", max_bytes=10, size=len)
    for key in "abcd":
        by_bytes.put(key, "xxxx")
    assert len(by_bytes) == 2 and by_bytes.nbytes == 8 and by_bytes.get("a") is None
    by_entries = Cache("entries", max_entries=3)
    for key in range(10):
        by_entries.put(key, key)
    assert len(by_entries) == 3 and by_entries.get(9) == 9


def test_logits_detail_collects_no_attentions_and_a_full_analysis_serves_it(tiny_en):
    light = analyze(tiny_en, "light rock near the river bank", detail="logits")  # a text no other test analyzes
    assert light.attentions is None and light.hidden_states is None
    full = analyze(tiny_en, "the bank of the river")
    assert analyze(tiny_en, "the bank of the river", detail="logits") is full


def test_chinese_on_an_english_only_model_is_one_clear_message(tiny_en):
    from dataclasses import replace

    english_only = replace(tiny_en, name="tiny-en-only", language="en")
    with raises_key("analysis_needs_chinese_model", model="tiny-en-only") as err:
        analyze(english_only, "我喜欢吃苹果")
    assert err.value.msg.params["teacher"].params == {"name": "bert-base-chinese"}  # how to fetch it
    assert analyze(english_only, "bank 银行 river").n_tokens > 0  # a few characters in English text are fine
