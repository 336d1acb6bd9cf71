"""The Pre-training lesson's computation: parity with transformers' own fill-mask and NSP, the masking
recipe's statistics, the classroom filter, bad input, and what the views write."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from components.core.analysis import analyze
from components.core.messages import render, t
from components.core.models import load_model
from components.core.text import MAX_CHARS
from components.pretraining.compute import (
    MAX_MASKS,
    MAX_TOP_K,
    fill_mask,
    mask_input,
    next_sentence,
    rank_guess,
    top_pieces,
    words,
)
from components.pretraining.figures import attention_figure, fill_figure, nsp_input_figure, recipe_figure
from components.pretraining.filter import is_offensive
from components.pretraining.recipe import draw, recover, summary
from components.pretraining.view import fill_markdown, reads_markdown, word_choices
from tests.tiny import raises_key

CASES = {"en": ("The man worked as a [MASK].", "I drink my [MASK] with [MASK] and sugar."),
         "zh": ("我[MASK]欢红色的花。", "中国的首都是[MASK][MASK]。")}


def model_dir(request, lang):
    return request.getfixturevalue("pt_en_dir" if lang == "en" else "pt_zh_dir")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", [0, 1])
def test_top_k_equals_transformers_fill_mask_pipeline(request, lang, which):
    from transformers import pipeline

    folder = model_dir(request, lang)
    text = CASES[lang][which]
    ours = fill_mask(load_model(str(folder)), text, top_k=7, classroom=False)
    theirs = pipeline("fill-mask", model=str(folder), top_k=7)(text)
    theirs = [theirs] if isinstance(theirs[0], dict) else theirs
    assert len(ours.masks) == len(theirs) == text.count("[MASK]")
    tokenizer = load_model(str(folder)).tokenizer
    for mask, expected in zip(ours.masks, theirs):
        assert tokenizer.convert_tokens_to_ids(list(mask.pieces)) == [e["token"] for e in expected]
        np.testing.assert_allclose(mask.probs, [e["score"] for e in expected], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_is_next_equals_the_seq_relationship_head_and_bert_for_nsp(request, lang):
    from transformers import BertForNextSentencePrediction, BertForPreTraining, BertTokenizer

    folder = model_dir(request, lang)
    a, b = ("The sun rose over the hills.", "The sky grew brighter.") if lang == "en" else ("太阳升起。", "天空变亮。")
    analysis, p = next_sentence(load_model(str(folder)), a, b)
    enc = BertTokenizer.from_pretrained(folder)(a, b, return_tensors="pt")
    assert analysis.input_ids.tolist() == enc["input_ids"][0].tolist()
    assert analysis.segment_ids.tolist() == enc["token_type_ids"][0].tolist()
    with torch.inference_mode():
        pretraining = BertForPreTraining.from_pretrained(folder).eval()(**enc).seq_relationship_logits
        nsp = BertForNextSentencePrediction.from_pretrained(folder).eval()(**enc).logits
    assert p == pytest.approx(float(torch.softmax(pretraining[0], -1)[0]), abs=1e-6)
    assert p == pytest.approx(float(torch.softmax(nsp[0], -1)[0]), abs=1e-6)


def test_clicked_word_is_masked_whole_and_equals_typing_its_masks(pt_en_dir):
    model = load_model(str(pt_en_dir))
    text = "The hummingbirds drank from the flower."
    sentence = words(analyze(model, text, detail="tokens"))
    birds = next(w for w in sentence if w.text == "hummingbirds")
    assert birds.pieces == ("hummingbird", "##s") and len(birds.positions) == 2
    assert ("hummingbirds (hummingbird · ##s)", str(birds.number)) in word_choices(sentence)
    clicked = fill_mask(model, text, (birds.number,), top_k=5, classroom=False)
    typed = fill_mask(model, "The [MASK][MASK] drank from the flower.", top_k=5, classroom=False)
    assert [m.position for m in clicked.masks] == list(birds.positions)
    assert [m.answer for m in clicked.masks] == ["hummingbird", "##s"]
    for a, b in zip(clicked.masks, typed.masks):
        assert a.pieces == b.pieces and np.allclose(a.probs, b.probs)
    for mask, row in zip(clicked.masks, clicked.probs):
        assert mask.answer_rank == int((row > row[model.tokenizer.convert_tokens_to_ids(mask.answer)]).sum()) + 1


def test_guess_gets_the_rank_and_probability_bert_gave_it(pt_zh_dir):
    model = load_model(str(pt_zh_dir))
    result = fill_mask(model, "我[MASK][MASK]红色的花。", top_k=3)
    top = result.masks[0].pieces[0]
    first = rank_guess(model, result, top)
    assert first[0].rank == 1 and first[0].prob == pytest.approx(result.masks[0].probs[0])
    two = rank_guess(model, result, "喜欢")  # two characters: one per blank
    assert [g.piece for g in two] == ["喜", "欢"] and [g.mask for g in two] == [0, 1]
    for g in two:
        row = result.probs[g.mask]
        index = model.tokenizer.convert_tokens_to_ids(g.piece)
        assert g.rank == int((row > row[index]).sum()) + 1 and g.prob == pytest.approx(float(row[index]))
    assert rank_guess(model, result, "zebra")[0].rank is None  # not in the vocabulary: said, not ranked


def test_attention_row_is_the_mean_of_heads_of_the_chosen_layer(pt_en_dir):
    from transformers import BertForPreTraining, BertTokenizer

    model = load_model(str(pt_en_dir))
    text = "I drink my [MASK] with milk."
    result = fill_mask(model, text, layer=1)
    enc = BertTokenizer.from_pretrained(pt_en_dir)(text, return_tensors="pt")
    with torch.inference_mode():
        reference = BertForPreTraining.from_pretrained(pt_en_dir, attn_implementation="eager")(
            **enc, output_attentions=True).attentions[0][0].mean(0)
    position = result.masks[0].position
    np.testing.assert_allclose(result.attention[0], reference[position].numpy(), atol=1e-6)
    assert result.attention.sum(axis=1) == pytest.approx(1.0, abs=1e-5)


def test_mlm_only_checkpoint_fills_in_and_says_it_has_no_nsp(mlm_only_dir):
    model = load_model(str(mlm_only_dir))
    assert model.heads == ("mlm",)
    assert fill_mask(model, "The man worked as a [MASK].").masks
    with raises_key("pre_model_has_no_nsp", model=model.name) as err:
        next_sentence(model, "The sun rose.", "The sky grew brighter.")
    teacher = err.value.msg.params["teacher"]  # English text: how to fetch bert-base-uncased, which has both heads
    assert teacher.key == "model_fetch_hint" and teacher.params["name"].key == "pre_example_model"


@pytest.mark.parametrize("text,kwargs,key,params", [
    ("The man worked as a doctor.", {}, "pre_no_mask", {}),
    (" ".join(["[MASK]"] * (MAX_MASKS + 1)), {}, "pre_too_many_masks", {"n": MAX_MASKS + 1, "limit": MAX_MASKS}),
    ("The man worked as a [MASK].", {"positions": (0,)}, "pre_mask_special", {"position": 0, "token": "[CLS]"}),
    ("The man worked as a [MASK].", {"positions": (99,)}, "pre_mask_special", {"position": 99}),
    ("The man worked as a [MASK].", {"masked_words": (40,)}, "pre_word_unknown", {"number": 40}),
    ("The man worked as a [MASK].", {"top_k": 0}, "pre_top_k_range", {"limit": MAX_TOP_K}),
    ("The man worked as a [MASK].", {"top_k": MAX_TOP_K + 1}, "pre_top_k_range", {"limit": MAX_TOP_K}),
    ("The man worked as a [MASK].", {"layer": 3}, "pre_layer_range", {"n": 2}),
    ("", {}, "text_empty", {}),
    ("bank " * 5000, {}, "text_too_long", {"limit": MAX_CHARS}),
])
def test_bad_input_is_a_message_saying_what_to_do(pt_en_dir, text, kwargs, key, params):
    with raises_key(key, **params) as err:
        fill_mask(load_model(str(pt_en_dir)), text, **kwargs)
    assert render(err.value.msg, "zh") != str(err.value)  # and it exists in Chinese


def test_text_beyond_the_model_length_gets_the_truncation_note_the_other_tabs_give(pt_en_dir):
    result = fill_mask(load_model(str(pt_en_dir)), "[MASK] " + "the bank " * 60)
    assert [w.key for w in result.warnings] == ["analysis_truncated"]


def test_recipe_draws_15_percent_then_80_10_10_and_never_a_special_token(pt_en_dir):
    model = load_model(str(pt_en_dir))
    text = "the bank raised interest rates and the river water was muddy near the shore " * 3
    counts = {"mask": 0, "random": 0, "kept": 0, "unchosen": 0}
    for seed in range(400):
        result = draw(model, text, seed)
        assert all(result.kinds[i] == "special" for i in np.flatnonzero(result.analysis.special))
        assert result.kinds[0] == "special" and result.kinds[-1] == "special"
        for kind in counts:
            counts[kind] += result.kinds.count(kind)
    pieces = sum(counts.values())
    chosen = pieces - counts["unchosen"]
    assert chosen / pieces == pytest.approx(0.15, abs=0.01)
    # a random id may be [MASK] or the original itself (1 in ~250 here): what BERT reads is what is counted
    assert counts["mask"] / chosen == pytest.approx(0.80, abs=0.025)
    assert counts["random"] / chosen == pytest.approx(0.10, abs=0.02)
    assert counts["kept"] / chosen == pytest.approx(0.10, abs=0.02)


def test_recipe_seed_repeats_the_draw_and_recovery_is_scored_against_the_original(pt_en_dir):
    model = load_model(str(pt_en_dir))
    text = "the bank raised interest rates and the river water was muddy near the shore"
    first, again, other = draw(model, text, 7), draw(model, text, 7), draw(model, text, 8)
    assert first.kinds == again.kinds and np.array_equal(first.ids, again.ids)
    assert any(draw(model, text, s).kinds != first.kinds for s in range(8, 20)) and other.seed == 8
    seed = next(s for s in range(50) if len(draw(model, text, s).chosen) >= 2)
    result = draw(model, text, seed)
    rows = recover(model, result, classroom=False)
    assert [r.position for r in rows] == list(result.chosen)
    for r in rows:
        assert r.hit == (r.top == r.original) and 0 < r.original_prob <= r.top_prob
    said = summary(result, rows)  # what was drawn, and how many chosen pieces BERT recovered
    assert said.key == "pre_recipe_recovered" and said.params["drawn"].key == "pre_recipe_drawn"
    assert (said.params["hits"], said.params["chosen"]) == (sum(r.hit for r in rows), len(rows))


def test_classroom_filter_hides_offensive_pieces_and_counts_them(pt_en_dir):
    model = load_model(str(pt_en_dir))
    vocab = model.tokenizer.get_vocab()
    probs = np.full(len(vocab), 1e-4, dtype=np.float32)
    probs[vocab["crap"]], probs[vocab["tea"]], probs[vocab["coffee"]] = 0.5, 0.3, 0.2
    assert top_pieces(model, probs, 2, classroom=False) == ([vocab["crap"], vocab["tea"]], 0)
    assert top_pieces(model, probs, 2, classroom=True) == ([vocab["tea"], vocab["coffee"]], 1)


def test_filter_keeps_school_and_identity_words_and_has_a_chinese_list():
    assert is_offensive("crap") and is_offensive("##crap") and is_offensive("婊")
    for word in ("organ", "slave", "nazi", "gay", "god", "stroke", "操", "花", "nurse", "woman"):
        assert not is_offensive(word), word


def test_tokens_detail_tokenizes_without_running_the_model(pt_en_dir, monkeypatch):
    model = load_model(str(pt_en_dir))
    monkeypatch.setattr(type(model), "run", lambda *a, **k: pytest.fail("the model ran"))
    analysis = analyze(model, "The river bank was muddy today.", detail="tokens")
    assert analysis.tokens[:3] == ("[CLS]", "the", "river") and analysis.attentions is None


def test_figures_carry_the_numbers_and_export_names(pt_en_dir):
    model = load_model(str(pt_en_dir))
    result = fill_mask(model, "I drink my [MASK] with [MASK].", top_k=4)
    fig = fill_figure(result, "zh", "I drink")
    assert [len(bar.x) for bar in fig.data] == [4, 4] and fig.layout.meta["export"].startswith("bertlens-fill-mask")
    assert list(fig.data[0].x)[::-1] == list(result.masks[0].probs)
    heat = attention_figure(result, "en", 4, "I drink").data[0]
    assert np.asarray(heat.z).shape == (2, len(result.tokens))
    drawn = draw(model, "the bank raised interest rates and the river water", 3)
    strip = recipe_figure(drawn, drawn.input_tokens(model), "zh", "x")
    assert [s.name for s in strip.data[1:]][0] == t("pre_kind_special", "zh")
    analysis, _ = next_sentence(model, "The sun rose.", "The sky grew brighter.")
    nsp = nsp_input_figure(analysis, "en")
    assert [v for row in nsp.data[0].z for v in row if v is not None] == analysis.segment_ids.tolist()


def test_views_escape_what_the_tokenizer_returns(pt_en_dir):
    model = load_model(str(pt_en_dir))
    result = fill_mask(model, "the [MASK] was muddy", top_k=3)
    markup = ("<img", "src=x", "onerror=alert(1)>")  # pieces a vocabulary may hold
    assert "<img" in " ".join(markup)  # negative control: the raw pieces are markup
    text = reads_markdown((*result.tokens, *markup), "en") + fill_markdown(result, model, [], None, "en", "x")
    assert "<img" not in text and "&lt;img" in text


def test_mask_input_leaves_typed_masks_and_adds_clicked_ones(pt_zh_dir):
    model = load_model(str(pt_zh_dir))
    masked = mask_input(model, "我[MASK]欢红色的花。", (3,))  # words: 我 欢 红 色 ...; the typed [MASK] is none
    assert masked.tokens(model)[1:8] == ("我", "[MASK]", "欢", "红", "[MASK]", "的", "花")
    assert masked.answers == {5: "色"}
