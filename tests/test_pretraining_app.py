"""/fill_mask, /next_sentence and /masking_recipe through gradio_client, on an app with minilm (no heads)
and tiny English and Chinese BERTs with heads; and every hostile input of the suite on both new endpoints."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

from components.core.messages import Msg, t
from components.core.models import load_model
from components.core.text import escape
from components.pretraining.compute import fill_mask, next_sentence
from tests.tiny import HOSTILE, REFUSED, assert_readable, said, shows


def fill(client, text, model, guess="", guess_first=False, words=(), top_k=5, layer=12, classroom=True):
    return client.predict(text, list(words), guess, guess_first, top_k, layer, classroom, model, api_name="/fill_mask")


def call(client, *args, api_name):
    try:
        return client.predict(*args, api_name=api_name)
    except AppError as err:
        assert_readable(err)
        return err


def test_fill_mask_endpoint_gives_the_models_own_top_k(pt_client, pt_en_dir):
    text = "I drink my [MASK] with [MASK] and sugar."
    figure, note, attention, table = fill(pt_client, text, str(pt_en_dir), top_k=4)
    expected = fill_mask(load_model(str(pt_en_dir)), text, top_k=4)
    assert table["headers"] == ["blank", "token #", "rank", "piece", "probability"]
    assert [row[3] for row in table["data"]] == [p for m in expected.masks for p in m.pieces]
    assert [row[4] for row in table["data"]] == [round(p, 4) for m in expected.masks for p in m.probs]
    assert shows("pre_reads", note) and "tab=attention" in note and figure and attention


def test_guess_first_hides_the_answer_until_a_guess_is_typed(pt_client, pt_zh_dir):
    text = "我[MASK][MASK]红色的花。"
    figure, note, attention, table = fill(pt_client, text, str(pt_zh_dir), guess_first=True)
    assert figure is None and attention is None and table["data"] == []
    assert shows("pre_guess_needed", note)
    _, note, _, table = fill(pt_client, text, str(pt_zh_dir), guess="喜欢", guess_first=True)
    assert table["data"] and shows(Msg("pre_guess_result", piece="喜", n=1), note)
    assert shows(Msg("pre_guess_result", piece="欢", n=2), note)


def test_clicked_words_travel_as_word_numbers(pt_client, pt_en_dir):
    """The browser sends the checked words; an API client may send the numbers of the default sentence's words
    only when the page offered them, so scripts type [MASK] instead (the CheckboxGroup refuses unknown values)."""
    result = call(pt_client, "The man worked as a doctor.", ["4"], "", False, 5, 12, True, str(pt_en_dir),
                  api_name="/fill_mask")
    assert isinstance(result, AppError)


def test_minilm_is_answered_by_a_model_here_that_has_heads(pt_client, pt_en_dir):
    _, note, _, table = fill(pt_client, "The man worked as a [MASK].", "minilm")
    used = escape(str(pt_en_dir), markdown=True)
    assert note.startswith(t("pre_using_other", "en", asked="minilm", used=used))
    assert table["data"]


def test_next_sentence_endpoint_shows_p_is_next_and_the_segment_ids(pt_client, pt_zh_dir):
    figure, note = pt_client.predict("太阳升起。", "天空变亮。", str(pt_zh_dir), api_name="/next_sentence")
    _, p = next_sentence(load_model(str(pt_zh_dir)), "太阳升起。", "天空变亮。")
    assert shows(Msg("pre_nsp_follows", p=p), note) or shows(Msg("pre_nsp_random", p=p), note)
    assert "tab=tokens" in note
    assert figure["type"] == "plotly"


def test_recipe_endpoint_says_the_seed_and_what_was_recovered(pt_client, pt_en_dir):
    text = "the bank raised interest rates and the river water was muddy near the shore"
    _, note, table = pt_client.predict(text, 5, True, str(pt_en_dir), api_name="/masking_recipe")
    again = pt_client.predict(text, 5, True, str(pt_en_dir), api_name="/masking_recipe")
    drawn = said(Msg("pre_recipe_drawn", seed=5), note)
    assert drawn and again[1] == note and again[2] == table
    assert len(table["data"]) == int(drawn["chosen"])


# --- hostile input on both new endpoints ------------------------------------------------------------------

FILL_REFUSED = {**REFUSED, **{name: Msg("pre_no_mask") for name in HOSTILE
                              if name not in REFUSED and name != "specials"}}


@pytest.mark.parametrize("name", HOSTILE)
def test_fill_mask_text_is_a_result_or_a_message(pt_client, pt_en_dir, name):
    for model in (str(pt_en_dir), "minilm"):
        result = call(pt_client, HOSTILE[name], [], "", False, 5, 12, True, model, api_name="/fill_mask")
        if name in FILL_REFUSED:
            assert isinstance(result, AppError) and shows(FILL_REFUSED[name], str(result)), (name, result)
        else:
            assert not isinstance(result, AppError), result


@pytest.mark.parametrize("name", HOSTILE)
def test_fill_mask_guess_is_a_result(pt_client, pt_en_dir, name):
    result = call(pt_client, "The man worked as a [MASK].", [], HOSTILE[name], True, 5, 12, True, str(pt_en_dir),
                  api_name="/fill_mask")
    assert not isinstance(result, AppError), result
    assert "\x00" not in result[1] and "<img" not in result[1]


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("side", ["a", "b"])
def test_next_sentence_is_a_result_or_a_message(pt_client, pt_zh_dir, name, side):
    pair = (HOSTILE[name], "天空变亮。") if side == "a" else ("太阳升起。", HOSTILE[name])
    result = call(pt_client, *pair, str(pt_zh_dir), api_name="/next_sentence")
    if side == "b" and name in ("empty", "whitespace"):
        assert isinstance(result, AppError) and shows("pre_need_b", str(result))
    elif name in REFUSED:
        assert isinstance(result, AppError) and shows(REFUSED[name], str(result)), result
    else:
        assert not isinstance(result, AppError), result
        assert "<img" not in result[1] and not shows("core_unexpected", result[1])
    pt_client.predict("The sun rose.", "The sky grew brighter.", "minilm", api_name="/next_sentence")  # still serving
