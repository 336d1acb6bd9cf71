"""Polysemy logic: parsing, target location -> pieces -> pooled vectors (the one pooling rule), separation
metrics and the single-sentence sense, the built-in sets in both languages, the study (baseline, best layer,
note), and, on real minilm weights, the lesson itself: contextual senses separate, GloVe's real lookups cannot."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from components.core.analysis import analyze, pool_span
from components.core.messages import Msg, UserError, all_messages, render
from components.polysemy.compute import layer_curve, occurrence_vectors, separation, word_vectors
from components.polysemy.figures import layer_curve_figure
from components.polysemy.sentences import locate, parse_lines
from components.polysemy.sets import builtin_sets, set_text_language
from components.polysemy.study import study
from tests.tiny import raises_key


def lines(*pairs: str):
    return parse_lines("\n".join(pairs))


def test_parse_lines_skips_blanks_and_comments_and_reads_spans():
    parsed = parse_lines("# a comment\nriver | The bank of the river.\n\nmoney | The bank and the bank. | 17:21\n")
    assert [(p.number, p.sense, p.span) for p in parsed] == [(2, "river", None), (4, "money", (17, 21))]


@pytest.mark.parametrize("text, key", [("a | one\nno separator here", "poly_line_format"),
                                       ("a | one\n | empty sense", "poly_line_format"),
                                       ("a | one\nb | two | 9:x", "poly_span_format")])
def test_malformed_lines_name_the_line_in_both_languages(text, key):
    with raises_key(key) as err:
        parse_lines(text)
    params = err.value.msg.params
    assert (params["line"] if "line" in params else params["where"].params["line"]) == 2
    assert "第 2 行" in err.value.render("zh")  # the subject: the line said in Chinese too


def test_subword_target_pools_all_its_pieces_with_the_shared_rule(tiny_en):
    occ = occurrence_vectors(tiny_en, lines("a | We were fishing by the river.", "b | Fishing again."), "fishing")
    assert occ.pieces[0] == ("fish", "##ing")
    analysis = analyze(tiny_en, "We were fishing by the river.")
    np.testing.assert_array_equal(occ.vectors[0], pool_span(analysis, [3, 4]))
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
    with raises_key("poly_not_in_sentence", target="bank", sentence="an embankment"):
        locate("an embankment", "bank")


def test_a_chinese_word_of_two_characters_is_pooled_as_one_word(tiny_zh):
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


def test_unk_and_absent_targets_are_reported_with_the_line(tiny_en):
    with raises_key("poly_line_error", line=2) as err:
        occurrence_vectors(tiny_en, lines("a | the bank", "b | the zebra sat | 4:9"), "bank")
    assert err.value.msg.params["error"].key == "analysis_span_unk"  # the span reads as [UNK]
    with raises_key("poly_line_error", line=1) as err:
        occurrence_vectors(tiny_en, lines("a | the bank", "b | the zebra"), "zebra")
    absent = err.value.msg.params["error"]
    assert absent.key == "poly_not_in_sentence" and absent.params["target"] == "zebra"


def test_anchor_words_only_unk_are_left_out(tiny_zh):
    kept, vectors, unk = word_vectors(tiny_zh, ("水果", "龘"))
    assert kept == ("水果",) and unk == ("龘",) and vectors.shape[:2] == (1, 3)


def test_separation_metrics_on_hand_made_vectors():
    vectors = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=float)
    sep = separation(vectors, ("a", "a", "b", "b"))
    assert sep.within > 0.98 and sep.across < 0.2 and sep.knn_accuracy == 1.0


def test_one_vector_for_every_occurrence_scores_chance_not_zero_or_one():
    sep = separation(np.ones((6, 4)), ("a", "a", "a", "b", "b", "b"))
    assert sep.gap == pytest.approx(0.0) and sep.knn_accuracy == pytest.approx(2 / 5)  # ties share credit


def test_a_sense_with_one_sentence_is_a_message_never_a_nan():
    with raises_key("poly_note_single", sense="b"):
        separation(np.eye(3), ("a", "a", "b"))
    with raises_key("poly_two_senses"):
        separation(np.eye(3), ("a", "a", "a"))


def test_a_study_with_a_one_sentence_sense_draws_maps_and_says_why_there_is_no_curve(tiny_en):
    found = study(tiny_en, "money | the bank raised rates\nmoney | my bank loan\nriver | the river bank", "bank", None,
                  glove=None)
    assert found.curve is None and found.best_layer is None and found.static_separation is None
    assert [m.params for m in found.note() if m.key == "poly_note_single"] == [{"sense": "river"}]
    assert "nan" not in " ".join(render(m, "en") for m in found.note()).lower()
    figure = layer_curve_figure(found, 1, "zh")  # the figure says why, in the page's language
    shown = "".join(figure.layout.annotations[0].text.replace("<br>", "").split())
    assert not figure.data and shown == "".join(render(Msg("poly_note_single", sense="river"), "zh").split())


def test_builtin_sets_are_complete_locatable_and_named_in_both_languages():
    sets = builtin_sets()
    expected = {"bank", "spring", "plant", "match", "light", "rock", "interest", "present", "pingguo", "hang_xing"}
    assert expected <= set(sets)
    messages = all_messages()
    for key, s in sets.items():
        assert s.title_key in messages, key  # the menu shows its title in both languages
        assert len(s.senses) == 2 and all(len(sense.anchors) >= 3 for sense in s.senses), key
        for sense in s.senses:
            assert set(sense.names) == {"en", "zh"} and all(sense.names.values()), key
            assert 8 <= len(sense.sentences) <= 12, (key, sense.names)
        for lang in ("en", "zh"):
            assert set_text_language(s.as_text(lang)) == (key, lang)
            for line in parse_lines(s.as_text(lang)):
                locate(line.text, s.target)


def test_the_chinese_sets_hold_the_courses_own_sentences():
    pingguo, hang = builtin_sets()["pingguo"], builtin_sets()["hang_xing"]
    assert pingguo.target == "苹果" and hang.target == "行"
    sentences = {text: sense for sense, text in pingguo.lines("zh")}
    assert sentences["我喜欢吃苹果。"] == "水果" and sentences["苹果和华为哪个牌子好？"] == "公司"


def test_anchors_follow_the_sense_whichever_language_names_it(tiny_en):
    bank = builtin_sets()["bank"]
    english = study(tiny_en, bank.as_text("en"), "bank", None, glove=None)
    chinese = study(tiny_en, bank.as_text("zh"), "bank", None, glove=None)
    assert english.anchor_words == chinese.anchor_words and "money" in english.anchor_words
    assert set(english.anchor_senses) == {"finance", "river"} and set(chinese.anchor_senses) == {"金融", "河岸"}


def test_hang_xing_set_runs_on_the_chinese_vocabulary(tiny_zh):
    s = builtin_sets()["hang_xing"]
    found = study(tiny_zh, s.as_text("zh"), s.target, None, glove=None)
    assert set(found.occurrences.pieces) == {("行",)} and len(set(found.occurrences.senses)) == 2
    assert found.occurrences.spans[5] == (1, 2)  # 各行各业: the first 行
    assert found.static.label.key == "poly_static_table"  # Chinese: the model's own input table is the baseline


def test_chinese_text_on_an_english_model_is_the_one_clear_message(tiny_en):
    english_only = dataclasses.replace(tiny_en, language="en")  # as minilm is: no Chinese in its vocabulary
    with pytest.raises(UserError) as err:
        study(english_only, builtin_sets()["pingguo"].as_text("zh"), "苹果", None, glove=None)
    assert err.value.msg.key == "analysis_needs_chinese_model"
    assert err.value.msg.params["teacher"].params == {"name": "bert-base-chinese"}  # what the teacher fetches


def test_without_any_glove_english_falls_back_to_the_labelled_input_table(tiny_en, monkeypatch, tmp_path):
    from components.polysemy import static_vectors

    monkeypatch.setattr(static_vectors, "SHARED_GLOVE", tmp_path / "absent.txt")
    monkeypatch.setattr(static_vectors, "cache_dir", lambda: tmp_path / "no-cache")
    found = study(tiny_en, "a | the bank\na | my bank\nb | river bank\nb | bank of the river", "bank", None,
                  glove=None)
    label = found.static.label  # the model's input table, labelled so, and why GloVe is not used
    assert label.key == "poly_static_no_glove" and label.params["table"].key == "poly_static_table"
    assert label.params["why"].key == "poly_glove_missing"  # run `python app.py prefetch glove`


@pytest.mark.minilm
def test_minilm_separates_the_senses_of_bank_and_glove_lookups_cannot(minilm, shared_data):
    bank = builtin_sets()["bank"]
    glove = str(shared_data / "glove" / "glove.6B.100d.top2604.txt")
    found = study(minilm, bank.as_text(), "bank", None, glove=glove)
    best = found.curve[found.best_layer]
    assert best.within > best.across + 0.05 and best.knn_accuracy >= 0.9
    assert found.static_forms == ("bank",)  # every occurrence looked up as written: GloVe has one row for it
    static = found.static_separation
    assert static.gap == pytest.approx(0.0, abs=1e-9)
    assert static.knn_accuracy == pytest.approx(9 / 19)  # chance: 9 of the 19 tied neighbours share the sense
    assert best.knn_accuracy - static.knn_accuracy > 0.4


@pytest.mark.minilm
def test_static_lookups_follow_the_written_form_not_the_sense(minilm, shared_data):
    """The baseline really looks every occurrence up: 'banks' gets GloVe's row for 'banks', not for 'bank'."""
    from components.polysemy.static_vectors import read_vectors

    glove = shared_data / "glove" / "glove.6B.100d.top2604.txt"
    text = ("finance | The banks raised rates.\nfinance | My bank gave me a loan.\n"
            "river | We sat on the river banks.\nriver | The bank of the river was muddy.")
    found = study(minilm, text, "bank", None, glove=str(glove))
    assert found.static_forms == ("banks", "bank")
    rows = read_vectors(glove, ["banks", "bank"])
    cross = float(rows.vector("banks") @ rows.vector("bank") / np.linalg.norm(rows.vector("banks"))
                  / np.linalg.norm(rows.vector("bank")))
    # each sense has one 'banks' and one 'bank': within = their cosine, across = half identical pairs, half not
    assert found.static_separation.within == pytest.approx(cross, abs=1e-6)
    assert found.static_separation.across == pytest.approx((1 + cross) / 2, abs=1e-6)


@pytest.mark.minilm
def test_layer_curve_on_minilm_has_embedding_output_and_six_layers(minilm):
    bank = builtin_sets()["bank"]
    occ = occurrence_vectors(minilm, parse_lines(bank.as_text()), bank.target)
    assert occ.vectors.shape == (20, 7, 384) and len(layer_curve(occ.vectors, occ.senses)) == 7
