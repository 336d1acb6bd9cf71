"""Polysemy logic: parsing, target location -> pieces -> pooled vectors, separation metrics,
the built-in sets, and (on real minilm weights) the lesson itself: contextual senses separate,
the static baseline cannot."""

from __future__ import annotations

import numpy as np
import pytest

from components.core.analysis import analyze
from components.polysemy.compute import (
    builtin_sets,
    layer_curve,
    locate,
    occurrence_vectors,
    parse_lines,
    separation,
    static_space,
    word_vectors,
)


def lines(*pairs: str):
    return parse_lines("\n".join(pairs))


def test_parse_lines_skips_blanks_and_comments_and_reads_spans():
    parsed = parse_lines("# a comment\nriver | The bank of the river.\n\nmoney | The bank and the bank. | 17:21\n")
    assert [(p.number, p.sense, p.span) for p in parsed] == [(2, "river", None), (4, "money", (17, 21))]


@pytest.mark.parametrize("text, line", [("a | one\nno separator here", "Line 2"), ("a | one\n | empty sense", "Line 2"),
                                        ("a | one\nb | two | 9:x", "line 2")])
def test_malformed_lines_name_the_line(text, line):
    with pytest.raises(ValueError, match=line):
        parse_lines(text)


def test_subword_target_pools_all_its_pieces(tiny_en):
    occ = occurrence_vectors(tiny_en, lines("a | We were fishing by the river.", "b | Fishing again."), "fishing")
    assert occ.pieces[0] == ("fish", "##ing")
    analysis = analyze(tiny_en, "We were fishing by the river.")
    np.testing.assert_allclose(occ.vectors[0], analysis.hidden_states[:, [3, 4]].mean(axis=1), rtol=1e-6)


def test_uncased_model_finds_capitalised_and_accented_targets(tiny_en):
    occ = occurrence_vectors(tiny_en, lines("a | Bank of the river.", "b | The Café by the bank"), "bank")
    assert occ.spans == ((0, 4), (16, 20)) and occ.pieces == (("bank",), ("bank",))
    cafe = occurrence_vectors(tiny_en, lines("a | The Café by the bank", "b | the cafe"), "cafe")
    assert cafe.spans[0] == (4, 8) and cafe.pieces[0] == ("cafe",)  # accent stripped by the vocabulary


def test_cased_location_prefers_exact_case_then_folds():
    assert locate("Spring came; spring water.", "spring", lower=False, strip=False) == (13, 19)
    assert locate("Spring came.", "spring", lower=False, strip=False) == (0, 6)


def test_word_boundaries_allow_inflections_not_other_words():
    assert locate("Banks of the river", "bank") == (0, 4)
    with pytest.raises(ValueError, match="not in the sentence"):
        locate("an embankment", "bank")


def test_chinese_target_pools_both_characters(tiny_zh):
    occ = occurrence_vectors(tiny_zh, lines("水果 | 我们吃苹果。", "公司 | 苹果发布了新手机。"), "苹果")
    assert occ.pieces == (("苹", "果"), ("苹", "果"))
    analysis = analyze(tiny_zh, "我们吃苹果。")
    np.testing.assert_allclose(occ.vectors[0], analysis.hidden_states[:, [4, 5]].mean(axis=1), rtol=1e-6)


def test_repeated_word_span_picks_the_second_occurrence(tiny_en):
    first = occurrence_vectors(tiny_en, lines("a | the bank and the bank", "b | the bank"), "bank")
    second = occurrence_vectors(tiny_en, lines("a | the bank and the bank | 17:21", "b | the bank"), "bank")
    analysis = analyze(tiny_en, "the bank and the bank")
    np.testing.assert_allclose(first.vectors[0], analysis.hidden_states[:, 2], rtol=1e-6)
    np.testing.assert_allclose(second.vectors[0], analysis.hidden_states[:, 5], rtol=1e-6)
    assert not np.allclose(first.vectors[0], second.vectors[0])


def test_unk_and_absent_targets_are_reported_with_the_line(tiny_en):
    with pytest.raises(ValueError, match=r"Line 2: .*\[UNK\]"):
        occurrence_vectors(tiny_en, lines("a | the bank", "b | the zebra sat | 4:9"), "bank")
    with pytest.raises(ValueError, match="Line 1: 'zebra' is not in the sentence"):
        occurrence_vectors(tiny_en, lines("a | the bank", "b | the zebra"), "zebra")


def test_anchor_words_only_unk_are_left_out(tiny_zh):
    kept, vectors, unk = word_vectors(tiny_zh, ("水果", "龘"))
    assert kept == ("水果",) and unk == ("龘",) and vectors.shape[:2] == (1, 3)


def test_separation_metrics_on_hand_made_vectors():
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=float)
    sep = separation(vectors, ("a", "a", "b", "b"))
    assert sep.within > 0.98 and sep.across < 0.2 and sep.knn_accuracy == 1.0


def test_one_vector_for_every_occurrence_has_no_separation():
    sep = separation(np.ones((6, 4)), ("a", "a", "a", "b", "b", "b"))
    assert sep.gap == pytest.approx(0.0) and sep.knn_accuracy == pytest.approx(2 / 5)  # chance, ties shared


def test_builtin_sets_are_complete_and_locatable():
    sets = builtin_sets()
    expected = {"bank", "spring", "plant", "match", "light", "rock", "interest", "present", "pingguo", "hang_xing"}
    assert expected <= set(sets)
    for key, s in sets.items():
        senses = [sense for sense, _ in s.anchors]
        assert len(senses) == 2 and all(len(words) >= 3 for _, words in s.anchors), key
        for sense in senses:
            assert 8 <= sum(1 for x, _ in s.lines if x == sense) <= 12, (key, sense)
        for line in parse_lines(s.as_text()):
            locate(line.text, s.target)


@pytest.mark.minilm
def test_minilm_separates_the_senses_of_bank_and_glove_cannot(minilm):
    bank = builtin_sets()["bank"]
    occ = occurrence_vectors(minilm, parse_lines(bank.as_text()), bank.target)
    curve = layer_curve(occ.vectors, occ.senses)
    best = max(curve, key=lambda c: c.gap)
    assert best.within > best.across + 0.05
    assert best.knn_accuracy >= 0.9
    static = static_space(minilm, "en", ("bank",), None)
    assert "bank" in static and "GloVe" in static.label
    baseline = separation(np.repeat(static.vector("bank")[None], len(occ.lines), axis=0), occ.senses)
    assert baseline.gap == pytest.approx(0.0, abs=1e-9)
    assert baseline.knn_accuracy < 0.6 and best.knn_accuracy - baseline.knn_accuracy > 0.3


def test_hang_xing_set_runs_on_the_chinese_vocabulary(tiny_zh):
    s = builtin_sets()["hang_xing"]
    occ = occurrence_vectors(tiny_zh, parse_lines(s.as_text()), s.target)
    assert set(occ.pieces) == {("行",)} and len(set(occ.senses)) == 2
    assert occ.spans[5] == (1, 2)  # 各行各业: the first 行


def test_without_any_glove_english_falls_back_to_the_labelled_input_table(tiny_en, monkeypatch):
    from components.polysemy import compute as polysemy
    from components.polysemy import static_vectors

    monkeypatch.setattr(static_vectors, "SHARED_GLOVE", static_vectors.SHARED_GLOVE.with_name("absent.txt"))
    monkeypatch.setattr(static_vectors, "cache_dir", lambda: static_vectors.SHARED_GLOVE.parent / "no-cache")
    space = polysemy.static_space(tiny_en, "en", ("bank", "river"), None)
    assert "input-embedding table" in space.label and "prefetch glove" in space.label
    assert space.words == ("bank", "river")
