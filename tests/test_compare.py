"""Two sentences side by side (minimal pairs) in Predict, Explain and Attention, and the numbers Explain shows.

Logic on tiny random models: a label's change is the difference of the two predictions; the attention
difference exists only when both sentences have the same number of pieces (and equals second - first), with
the side-by-side case as its control; the second sentence is explained for the first sentence's label on one
colour scale. Behaviour on real minilm with the shipped classifier: the built-in pairs move the labels the
way ``components/core/minimal_pairs.py`` says, and Explain's default example moves visibly when heads are
switched off, where the old default (saturated) does not.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from components.attention.compare import compare_views
from components.attention.figures import compare_figure
from components.core.analysis import analyze
from components.core.classifier import SHIPPED_CLASSIFIER, known_language, load_classifier
from components.core.messages import t
from components.core.minimal_pairs import KINDS, PAIRS, pairs_for
from components.core.text import number
from components.explain.ablation import ablate, scan
from components.explain.compute import explain, read, units
from components.explain.figures import highlight_pair_html, scan_figure
from components.explain.pair import explain_pair
from components.explain.tab import EXAMPLES as EXPLAIN_EXAMPLES
from components.explain.view import summary_markdown
from components.predict.compute import compare, predict, predict_text
from components.predict.figures import change_figure
from tests.tiny import make_tiny_classifier

OLD_DEFAULT = "Thank you so much for helping me with my homework!"


@pytest.fixture(scope="module")
def tiny_classifier(tmp_path_factory):
    return load_classifier(make_tiny_classifier(tmp_path_factory.mktemp("compare"), "bert", seed=3))


# --- Predict --------------------------------------------------------------------------------------------------

def test_score_changes_are_the_difference_of_the_two_predictions(tiny_classifier):
    first = predict(tiny_classifier, analyze(tiny_classifier.model, "the bank raised interest rates"))
    second = predict(tiny_classifier, analyze(tiny_classifier.model, "we sat on the river bank"))
    pair = compare(first, second)
    np.testing.assert_array_equal(pair.change, second.probs - first.probs)
    assert np.abs(pair.change).max() > 1e-3  # two different sentences: the check is not 0 = 0
    assert pair.largest(1) == [int(np.argmax(np.abs(second.probs - first.probs)))]
    assert set(pair.gained()) == {label for label, a, b in zip(pair.labels, first.chosen, second.chosen) if b and not a}
    assert set(pair.lost()) == {label for label, a, b in zip(pair.labels, first.chosen, second.chosen) if a and not b}


def test_the_change_figure_draws_both_scores_and_the_difference(tiny_classifier):
    first = predict(tiny_classifier, analyze(tiny_classifier.model, "the bank raised interest rates"))
    second = predict(tiny_classifier, analyze(tiny_classifier.model, "we sat on the river bank"))
    fig = change_figure(first.labels, first.probs, second.probs, "en")
    one, two, change = fig.data
    order = [first.labels.index(name) for name in change.y]
    np.testing.assert_allclose(change.x, (second.probs - first.probs)[order])
    np.testing.assert_allclose(one.x, first.probs[order])
    np.testing.assert_allclose(two.x, second.probs[order])
    assert list(change.x) == sorted(change.x)  # the largest rise on top (plotly draws the first row at the bottom)
    assert [c for c, v in zip(change.marker.color, change.x) if v < 0] == ["#3B6FB6"] * sum(v < 0 for v in change.x)


def test_a_comparison_needs_two_predictions_of_one_classifier(tiny_classifier):
    first = predict(tiny_classifier, analyze(tiny_classifier.model, "the bank"))
    compare(first, first)  # control: the same labels are accepted
    with pytest.raises(ValueError):
        compare(first, replace(first, labels=("a", "b", "c")))


# --- Attention ------------------------------------------------------------------------------------------------

def test_the_attention_difference_exists_only_when_the_pieces_line_up(tiny_en):
    same = analyze(tiny_en, "the bank raised rates"), analyze(tiny_en, "the rates raised bank")
    other = analyze(tiny_en, "the bank raised the interest rates")
    aligned = compare_views(*same, "head", 1, 2)
    assert aligned.aligned and aligned.first.matrix.shape == (6, 6)
    np.testing.assert_allclose(aligned.difference, same[1].attentions[1, 2].astype(np.float64)
                               - same[0].attentions[1, 2].astype(np.float64), atol=1e-6)
    assert np.abs(aligned.difference).max() > 1e-4  # word order changes attention
    fig = compare_figure(aligned, "title", "en")
    assert len(fig.data) == 1 and fig.data[0].zmid == 0
    assert "rates/bank" in fig.layout.xaxis.ticktext  # the position where the two sentences differ says both
    misaligned = compare_views(same[0], other, "head", 1, 2)  # control: 6 against 8 pieces
    assert not misaligned.aligned and misaligned.difference is None
    side = compare_figure(misaligned, "title", "en")
    assert len(side.data) == 2 and side.data[0].zmax == side.data[1].zmax  # one colour scale
    assert [len(trace.z) for trace in side.data] == [6, 8]


def test_hidden_tokens_are_hidden_in_both_and_can_make_the_pieces_line_up(tiny_en):
    first, second = analyze(tiny_en, "the bank raised rates"), analyze(tiny_en, "the bank raised rates!")
    assert not compare_views(first, second, "mean", 0).aligned
    hidden = compare_views(first, second, "mean", 0, hide_punct=True)
    assert hidden.aligned and len(hidden.first.tokens) == 6
    np.testing.assert_allclose(hidden.first.matrix.sum(-1), 1, atol=1e-5)


def test_the_grid_is_compared_on_the_mean_of_its_heads(tiny_en):
    first, second = analyze(tiny_en, "the bank raised rates"), analyze(tiny_en, "the rates raised bank")
    pair = compare_views(first, second, "grid", 1)
    assert pair.first.view == "mean" and pair.first.matrix.ndim == 2


# --- Explain --------------------------------------------------------------------------------------------------

def test_the_second_sentence_is_explained_for_the_first_sentences_label(tiny_classifier):
    pair = explain_pair(tiny_classifier, "the bank raised interest rates", "we sat on the river bank")
    assert pair.second.label == pair.first.label
    alone = explain(tiny_classifier, "we sat on the river bank")
    assert pair.second.label_index == pair.first.label_index
    np.testing.assert_array_equal(pair.change, pair.second.probs - pair.first.probs)
    assert pair.value_change == pytest.approx(pair.second.value - pair.first.value)
    np.testing.assert_array_equal(alone.probs, pair.second.probs)


def test_both_sentences_are_shaded_on_one_scale(tiny_classifier):
    pair = explain_pair(tiny_classifier, "the bank raised interest rates", "the bank")
    html = highlight_pair_html(pair.first, units(pair.first), pair.second, units(pair.second), "en")
    first_row, second_row = html.split("bl-pair-row")[1:3]
    alphas = [[float(a) for a in re.findall(r"rgba\([^)]*,([0-9.]+)\);color", row)] for row in (first_row, second_row)]
    strongest = np.argmax([max(a) for a in alphas])
    assert max(alphas[strongest]) == pytest.approx(0.85)  # the largest attribution of either sentence is full
    assert max(alphas[1 - strongest]) < 0.85  # control: the other row is scaled by it, not by its own maximum


def test_small_numbers_keep_two_significant_digits():
    assert number(0.9985) == "0.9985"
    assert number(-0.000061, sign=True) == "-0.000061"
    assert number(0.0009) == "0.00090"
    assert number(0.012, sign=True) == "+0.0120"
    assert number(0) == "0.0000"
    # a value that rounds up into the next digit keeps the digits of the value it rounds to (one grid, one format)
    assert number(-0.00996, sign=True, decimals=2, significant=1) == "-0.01"
    assert number(-0.0104, sign=True, decimals=2, significant=1) == "-0.01"
    assert number(-0.000996, sign=True, decimals=2, significant=1) == "-0.001"
    assert number(-0.0004, sign=True, decimals=2, significant=1) == "-0.0004"
    assert number(0.0000999, significant=2) == "0.00010"


def test_a_scan_of_tiny_changes_prints_digits_and_plain_units(tiny_classifier):
    analysis = read(tiny_classifier, "the bank raised interest rates")
    result = scan(tiny_classifier, analysis, 0)
    tiny = type(result)(label_index=0, output="probability", mode="zero", before=0.9991,
                        after=0.9991 + result.delta * 1e-3, probs_after=result.probs_after)
    heatmap = scan_figure(tiny, "joy", "en").data[0]
    assert heatmap.colorbar.exponentformat == "none"  # no "500μ"
    shown = [cell for row in heatmap.text for cell in row]
    assert all(cell.strip("+-0.") for cell, value in zip(shown, tiny.delta.ravel()) if value != 0), shown[:6]


# --- real minilm and the shipped classifier --------------------------------------------------------------------

def test_the_built_in_pairs_cover_every_kind_in_both_languages():
    assert {(pair.kind, pair.lang) for pair in PAIRS} == {(kind, lang) for kind in KINDS for lang in ("en", "zh")}
    assert all(pair.first != pair.second for pair in PAIRS)
    assert known_language(SHIPPED_CLASSIFIER) == "en"
    assert {pair.lang for pair in pairs_for("en")} == {"en"}
    assert {pair.lang for pair in pairs_for("multi")} == {"en", "zh"}


@pytest.mark.minilm
def test_the_built_in_english_pairs_move_the_labels_as_documented(shipped, minilm):
    moves = {}
    for pair in pairs_for("en"):
        first, second = predict_text(shipped, pair.first), predict_text(shipped, pair.second)
        moves[pair.kind] = dict(zip(shipped.labels, compare(first, second).change))
        if pair.kind == "order":  # the same pieces in another order: the attention difference is defined
            assert analyze(minilm, pair.first).n_tokens == analyze(minilm, pair.second).n_tokens
    assert moves["negation"]["joy"] < -0.5
    assert moves["swap"]["excitement"] > 0.5 and moves["swap"]["fear"] < -0.3
    assert max(abs(v) for v in moves["order"].values()) < 0.05  # the emotion does not depend on who bit whom


@pytest.mark.minilm
def test_the_default_explain_example_moves_visibly_when_heads_are_switched_off(shipped):
    default = EXPLAIN_EXAMPLES["en"][0]
    expl = explain(shipped, default)
    assert not expl.saturated and 0.3 < expl.value < 0.9
    result = scan(shipped, expl.analysis, expl.label_index)
    assert result.delta.min() < -0.1  # one head alone lowers the label by more than 0.1
    worst = np.unravel_index(np.argmin(result.delta), result.delta.shape)
    switched = ablate(shipped, expl.analysis, (tuple(int(i) for i in worst),))
    assert switched.after[expl.label_index] < switched.before[expl.label_index] - 0.1
    # control: the old default is saturated; its probability barely moves, its logit does
    old = explain(shipped, OLD_DEFAULT)
    assert old.saturated
    assert np.abs(scan(shipped, old.analysis, old.label_index).delta).max() < 0.01
    assert np.abs(scan(shipped, old.analysis, old.label_index, "logit").delta).max() > 0.1
    assert t("expl_saturated", "en", value=number(old.value)) in summary_markdown(old, units(old), "en", False)
    assert t("expl_saturated", "en", value=number(expl.value)) not in summary_markdown(expl, units(expl), "en", False)
