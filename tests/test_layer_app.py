"""The /layer endpoint through gradio_client, as a script or an MCP client calls it: the whole record whatever
the guess, sliders that follow the model, and messages (not tracebacks) for what cannot be shown."""

from __future__ import annotations

import pytest
from gradio_client.exceptions import AppError

from components.core.messages import Msg
from tests.tiny import shows

TEXT = "The animal didn't cross the street because it was too tired."


def call(client, text=TEXT, pair="", model="minilm", layer=4, head=2, token=10, guess_first=True, guess=-1):
    """The endpoint's parameters, in order (API clients read English: the session's language is not one)."""
    return client.predict(text, pair, model, layer, head, token, guess_first, guess, api_name="/layer")


def test_the_endpoint_answers_every_step_with_its_checks(client):
    out = call(client)
    note, record = out[0], out[-1]
    shown = ("layer", "head", "token", "n_layers", "n_heads")
    assert [record[k] for k in shown] == [4, 2, 10, 6, 12]
    assert shows(Msg("layer_guess_prompt", piece="10 it", layer=4, head=2), note)
    assert record["tokens"][10] == "it" and record["numbering"] == "layers and heads from 1"
    assert record["attention_row"].index(max(record["attention_row"])) == 2  # "it" looks at "animal" here
    assert record["checks"]["attention_max_abs_diff"] <= 1e-5 and record["checks"]["output_max_abs_diff"] <= 1e-4
    figures = [value for value in out[1:-2] if isinstance(value, dict)]
    assert len(figures) == 8  # every step's figure is there, guess or not: the gate is the page's, not the API's
    table = out[-2]
    assert len(table["data"]) == 16 and table["data"][2][1] == "animal"


def test_a_guess_is_answered_right_or_ranked(client):
    assert shows(Msg("layer_guess_right", guess="2 animal"), call(client, guess=2)[0])
    note = call(client, guess=13)[0]
    assert shows(Msg("layer_guess_wrong", top="2 animal"), note)  # the guess's rank, and the top token


def test_a_layer_beyond_the_model_is_clamped_with_a_notice(client):
    out = call(client, layer=12, head=12)
    clamped = Msg("num_clamped", what=Msg("num_what_layer"), asked="12", first=1, last=6, shown=6)
    assert (out[-1]["layer"], out[-1]["head"]) == (6, 12) and shows(clamped, out[0])


def test_minus_one_picks_the_first_regular_token(client):
    assert call(client, token=-1)[-1]["token"] == 1


@pytest.mark.parametrize("kwargs,message", [
    (dict(token=16), Msg("layer_bad_token", value=16, last=15)), (dict(text="   "), Msg("text_empty")),
    (dict(model="bert-base-chinese", text="我喜欢苹果。"), Msg("model_fetch_hint", name="bert-base-chinese")),
])
def test_bad_input_is_a_message_not_a_traceback(client, kwargs, message):
    with pytest.raises(AppError) as err:
        call(client, **kwargs)
    assert shows(message, str(err.value)) and "Traceback" not in str(err.value), str(err.value)


def test_a_tiny_chinese_model_answers(client, tiny_zh_dir):
    out = call(client, text="我们吃苹果。", model=str(tiny_zh_dir), layer=2, head=4, token=3)
    assert out[-1]["tokens"][3] == "吃" and out[-1]["checks"]["output_max_abs_diff"] <= 1e-4
