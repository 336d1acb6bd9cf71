"""Hostile input through every text box of every endpoint, as a class would type it.

Every call ends in either a normal result or a ``gr.Error`` whose message is a readable sentence:
never a traceback, never the adapter's generic apology (that would be an unexpected exception,
i.e. a bug), and the server answers a normal ``/tokens`` call afterwards. The shipped classifier
may not exist yet; /predict is then a clear message, which these tests accept as honest.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from components.core.classifier import load_classifier
from components.core.messages import Msg
from components.core.text import MAX_CHARS
from components.polysemy.sentences import MAX_SENTENCES, MAX_TARGET
from components.polysemy.static_vectors import read_vectors
from components.ui.serving import serve
from tests.tiny import HOSTILE, LONG, REFUSED, assert_readable, raises_key, shows


def outcome(client: Client, *args, api_name: str, limit: float = 20.0):
    """The result or the readable AppError of one call; fails on anything else or a slow answer."""
    started = time.perf_counter()
    try:
        result = client.predict(*args, api_name=api_name)
    except AppError as err:
        result = err
        assert_readable(err)
    assert time.perf_counter() - started < limit
    still_serving(client)
    return result


def still_serving(client: Client) -> None:
    frame, _, _ = client.predict("still here", "", "minilm", api_name="/tokens")
    assert [row[1] for row in frame["data"]] == ["[CLS]", "still", "here", "[SEP]"]


def expect(result, name: str) -> None:
    """Refused inputs must be refused with the right reason; the others must work."""
    if name in REFUSED:
        assert isinstance(result, AppError), f"{name!r} should be refused"
        assert shows(REFUSED[name], str(result)), str(result)
    else:
        assert not isinstance(result, AppError), f"{name!r} should just work: {result}"


# --- /tokens ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE)
def test_tokens_sentence_a(client, tiny_en_dir, name):
    for model in ("minilm", str(tiny_en_dir)):
        result = outcome(client, HOSTILE[name], "", model, api_name="/tokens")
        expect(result, name)
        if not isinstance(result, AppError):
            rows = result[0]["data"]
            assert rows[0][1] == "[CLS]" and rows[-1][1] == "[SEP]"
            assert [row[0] for row in rows] == list(range(len(rows)))
            assert all("\x00" not in row[1] for row in rows)


@pytest.mark.parametrize("name", HOSTILE)
def test_tokens_sentence_b(client, name):
    result = outcome(client, "Where is the bank?", HOSTILE[name], "minilm", api_name="/tokens")
    if name in ("empty", "whitespace"):  # an empty sentence B means "no pair"
        assert [row[4] for row in result[0]["data"]] == ["A"] * len(result[0]["data"])
        return
    expect(result, name)
    if not isinstance(result, AppError):
        assert "B" in [row[4] for row in result[0]["data"]]


def test_long_text_is_refused_quickly_with_the_limit(client):
    started = time.perf_counter()
    with pytest.raises(AppError) as err:
        client.predict(LONG, "", "minilm", api_name="/tokens")
    assert time.perf_counter() - started < 5
    assert shows(Msg("text_too_long", n=len(LONG.strip()), limit=MAX_CHARS), str(err.value))


def test_typed_special_tokens_are_flagged_special_and_keep_their_characters(client):
    """BERT's tokenizer reads '[CLS] [SEP] [MASK]' as the special ids themselves (101, 102, 103): the
    table says so (kind 'special') instead of calling the real [SEP] id a word."""
    frame, summary, _ = client.predict("[CLS] [SEP] [MASK]", "", "minilm", api_name="/tokens")
    rows = frame["data"]
    headers = frame["headers"]
    kind, chars, ids = headers.index("kind"), headers.index("characters"), headers.index("id")
    assert [r[1] for r in rows] == ["[CLS]", "[CLS]", "[SEP]", "[MASK]", "[SEP]"]
    assert [r[ids] for r in rows] == [101, 101, 102, 103, 102]
    assert all(r[kind] == "special" for r in rows)
    assert [r[chars] for r in rows] == ["", "0-5", "6-11", "12-18", ""]
    assert shows(Msg("tok_summary", n=5), summary)


def test_emoji_is_unknown_but_the_rest_is_read(client):
    frame, _, _ = client.predict("I love my bank 🏦", "", "minilm", api_name="/tokens")
    tokens = [r[1] for r in frame["data"]]
    assert "bank" in tokens and "[UNK]" in tokens


def test_chinese_text_on_the_tiny_chinese_model(client, tiny_zh_dir):
    frame, _, _ = client.predict("我在银行存钱😀。", "他们在河边走", str(tiny_zh_dir), api_name="/tokens")
    tokens = [r[1] for r in frame["data"]]
    assert tokens[:5] == ["[CLS]", "我", "在", "银", "行"] and "[UNK]" in tokens
    assert tokens.count("[SEP]") == 2


# --- /attention ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE)
def test_attention_sentence_a(client, tiny_en_dir, name):
    for view, hide in (("head", False), ("rollout", True)):
        result = outcome(client, HOSTILE[name], "", str(tiny_en_dir), 1, 1, view, hide, hide,
                         api_name="/attention")
        if name == "specials" and hide:  # every token is special: nothing is left to show, and it says so
            assert isinstance(result, AppError) and shows("attn_nothing_left", str(result))
            continue
        expect(result, name)


@pytest.mark.parametrize("name", ["whitespace", "100k", "nul", "invisible", "emoji", "rtl", "specials"])
def test_attention_sentence_b(client, tiny_zh_dir, name):
    result = outcome(client, "我在银行存钱。", HOSTILE[name], str(tiny_zh_dir), 0, 0, "grid", False, False,
                     api_name="/attention")
    if name != "whitespace":
        expect(result, name)


@pytest.mark.parametrize("name", HOSTILE)
def test_attention_bertviz_sentence_a(client, tiny_en_dir, name):
    expect(outcome(client, HOSTILE[name], "", str(tiny_en_dir), 1, api_name="/attention_bertviz"), name)


# --- /polysemy -------------------------------------------------------------------------------------------

SENTENCES = "money | I paid the bank.\nriver | We sat on the river bank."


@pytest.mark.parametrize("name", HOSTILE)
def test_polysemy_sentences(client, tiny_en_dir, name):
    result = outcome(client, "bank", HOSTILE[name], "bank", "", "base", 1, str(tiny_en_dir), api_name="/polysemy")
    assert isinstance(result, AppError)  # none of them is a sense-labelled list


@pytest.mark.parametrize("name", HOSTILE)
def test_polysemy_target(client, tiny_en_dir, name):
    result = outcome(client, "bank", SENTENCES, HOSTILE[name], "", "base", 1, str(tiny_en_dir),
                     api_name="/polysemy")
    assert isinstance(result, AppError)  # none of them is the word 'bank'
    if name in ("empty", "whitespace", "only-control"):
        assert shows("poly_target_empty", str(result))
    if name == "100k":
        assert shows(Msg("poly_target_long", limit=MAX_TARGET), str(result))


@pytest.mark.parametrize("name", HOSTILE)
def test_polysemy_span(client, tiny_en_dir, name):
    result = outcome(client, "bank", SENTENCES, "bank", HOSTILE[name], "base", 1, str(tiny_en_dir),
                     api_name="/polysemy")
    if name in ("empty", "whitespace"):  # no span: the target is located
        assert not isinstance(result, AppError), result
    else:
        assert isinstance(result, AppError), result
        assert shows("poly_span_format", str(result)) or shows("poly_span_order", str(result)), str(result)


def on_line(line: int, error: Msg | None = None) -> Msg:
    """A message about one sentence of the list, naming its line."""
    return Msg("poly_line_error", line=line, **({"error": error} if error else {}))


SPAN_ON_LINE_1 = Msg("poly_where_span_line", line=1)


@pytest.mark.parametrize("sentences,target,span,message", [
    ("money | I paid the bank.\nriver | We sat by the river.", "bank", "",
     on_line(2, Msg("poly_not_in_sentence", target="bank"))),
    ("money | I paid the bank.\nno separator here", "bank", "", Msg("poly_line_format", line=2)),
    ("money | I paid the bank.", "bank", "", Msg("poly_two_sentences")),
    ("a | b | c | d\nx | the bank", "bank", "", Msg("poly_line_format", line=1)),
    (" | the bank\nx | the bank", "bank", "", Msg("poly_line_format", line=1)),
    ("a | the bank | x:y\nb | the bank", "bank", "", Msg("poly_span_format", where=SPAN_ON_LINE_1, raw="x:y")),
    ("a | the bank | 3:2\nb | the bank", "bank", "", Msg("poly_span_order", where=SPAN_ON_LINE_1, raw="3:2")),
    ("a | the bank\nb | the bank", "bank", "40:50", on_line(1, Msg("analysis_span_outside", start=40, end=50))),
    ("a | the bank\na | the river bank", "bank", "", Msg("poly_two_senses")),
    ("a | the bank\nb | \x00\u200b", "bank", "", on_line(2)),
    ("a | the [MASK] bank\nb | the bank", "[MASK]", "", on_line(1, Msg("analysis_span_special", tokens=["[MASK]"]))),
    ("a | the bank\n" * 65, "bank", "", Msg("poly_too_many", most=MAX_SENTENCES)),
    ("money | I paid the bank.\n" * 1000, "bank", "", Msg("poly_too_long", limit=MAX_CHARS)),
    ("a | the bank\nb | the bank", "bank", "1:2:3", Msg("poly_span_format", raw="1:2:3")),
    ("a | the bank\nb | the bank", "bank", "-1:3", Msg("poly_span_order", raw="-1:3")),
])
def test_malformed_sentence_lists_are_messages(client, tiny_en_dir, sentences, target, span, message):
    result = outcome(client, "bank", sentences, target, span, "base", 1, str(tiny_en_dir), api_name="/polysemy")
    # the toast renders HTML, so the message arrives escaped (it quotes what the student typed)
    assert isinstance(result, AppError) and shows(message, str(result)), str(result)


def test_chinese_target_absent_names_the_line(client, tiny_zh_dir):
    text = "钱 | 我在银行存钱。\n河 | 他们在河边走😀。"
    result = outcome(client, "pingguo", text, "银行", "", "base", 1, str(tiny_zh_dir), api_name="/polysemy")
    assert isinstance(result, AppError) and shows(on_line(2, Msg("poly_not_in_sentence", target="银行")), str(result))


def test_emoji_and_rtl_sentences_just_work(client, tiny_en_dir):
    text = "money | I paid the bank 🏦 today.\nriver | مرحبا, the river bank 😀 is muddy."
    *figures, note, _csv, _npy, _layer = outcome(client, "bank", text, "bank", "", "base", 1, str(tiny_en_dir),
                                                 api_name="/polysemy", limit=60)
    assert shows(Msg("poly_note_occurrences", n=2), note) and len(figures) == 4


# --- /predict --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE)
def test_predict_text_is_a_result_or_a_message(client, name):
    expect(outcome(client, HOSTILE[name], "tuned", 0.5, api_name="/predict"), name)


@pytest.mark.parametrize("name", ["emoji", "specials", "markup"])
def test_predict_global_threshold_on_odd_text(client, name):
    _fig, predicted, top = outcome(client, HOSTILE[name], "global", 0.3, api_name="/predict")
    assert predicted and top


# --- a broken classifier directory and a ragged GloVe file ------------------------------------------------

def write_ragged_glove(path: Path) -> Path:
    path.write_text("the 0.1 0.2 0.3\nbank 0.1 0.2\nriver 0.3 0.2 0.1\n", encoding="utf-8")
    return path


CORRUPT = {
    "missing": None,
    "empty": {},
    "bad json": {"classifier.json": "{not json"},
    "json list": {"classifier.json": "[1, 2]"},
    "not utf-8": {"classifier.json": b"\xff\xfe\x00"},
    "unknown method": {"classifier.json": json.dumps({"format_version": 1, "base_model": "minilm", "method": "x",
                                                      "labels": ["a"], "thresholds": [0.5]})},
    "corrupt head": {"classifier.json": json.dumps({"format_version": 1, "base_model": "minilm", "method": "head",
                                                    "labels": ["a"], "thresholds": [0.5]}),
                     "head.safetensors": b"garbage"},
}


@pytest.mark.parametrize("case", CORRUPT)
def test_corrupt_classifier_dir_is_a_value_error_naming_dir_and_fix(tmp_path, case):
    folder = tmp_path / "clf"
    if CORRUPT[case] is not None:
        folder.mkdir()
        for name, content in CORRUPT[case].items():
            data = content if isinstance(content, bytes) else content.encode()
            (folder / name).write_bytes(data)
    key = {"missing": "clf_missing", "empty": "clf_no_files"}.get(case, "clf_corrupt")
    with raises_key(key) as err:
        load_classifier(folder)
    assert err.value.msg.params["path"] in {str(folder), str(folder.resolve())}
    assert err.value.msg.params["fix"].key == "clf_fix_other"  # run `python app.py train`, or retrain


def test_a_file_is_not_a_classifier_dir(tmp_path):
    path = tmp_path / "classifier.json"
    path.write_text("{}")
    with raises_key("clf_is_file", path=str(path.resolve())):
        load_classifier(path)


def test_ragged_glove_is_a_value_error_with_the_line(tmp_path):
    with raises_key("poly_vec_ragged", file="ragged.txt", line=2, n=2, dim=3):
        read_vectors(write_ragged_glove(tmp_path / "ragged.txt"), ["bank", "river"])


RAGGED = Msg("poly_vec_ragged", file="ragged.txt", line=2)


@contextlib.contextmanager
def serve_client(config) -> Iterator[Client]:
    """Another app in-process on a free port (like the session app), closed afterwards."""
    with serve(config, max_size=20) as demo:
        yield Client(demo.local_url, verbose=False)


@pytest.fixture(scope="module")
def broken_client(tmp_path_factory, tiny_en_dir):
    from components.core.services import AppConfig

    folder = tmp_path_factory.mktemp("broken")
    (folder / "clf").mkdir()
    (folder / "clf" / "classifier.json").write_text("{not json", encoding="utf-8")
    config = AppConfig(models=("minilm", str(tiny_en_dir)), default_model="minilm", warm_up=False,
                       classifier=str(folder / "clf"), glove=str(write_ragged_glove(folder / "ragged.txt")))
    with serve_client(config) as client:
        client.broken_dir = folder
        yield client


def test_app_with_corrupt_classifier_says_which_dir_and_keeps_serving(broken_client):
    result = outcome(broken_client, "I am so happy!", "tuned", 0.5, api_name="/predict")
    assert isinstance(result, AppError)
    assert shows(Msg("clf_corrupt", path=str(broken_client.broken_dir / "clf")), str(result)), str(result)


def test_app_with_ragged_glove_names_the_line_and_keeps_serving(broken_client, tiny_en_dir):
    result = outcome(broken_client, "bank", SENTENCES, "bank", "", "base", 1, str(tiny_en_dir),
                     api_name="/polysemy")
    assert isinstance(result, AppError) and shows(RAGGED, str(result)), str(result)


def test_tuned_encoder_with_corrupt_classifier_falls_back_to_the_base_model(broken_client, tiny_en_dir):
    """The corrupt classifier is a warning and the base model is used; the ragged GloVe then stops it."""
    result = outcome(broken_client, "bank", SENTENCES, "bank", "", "tuned", 1, str(tiny_en_dir),
                     api_name="/polysemy")
    assert isinstance(result, AppError) and shows(RAGGED, str(result)), str(result)
