"""The app built in-process and driven through gradio_client, as a class would script it."""

from __future__ import annotations

import urllib.request

import pytest
from gradio_client.exceptions import AppError

from components.core.messages import Msg
from components.core.models import PRESETS
from tests.tiny import shows


def test_app_answers_http_200(app_server):
    with urllib.request.urlopen(app_server.local_url, timeout=30) as response:
        assert response.status == 200


def test_the_page_declares_only_the_whole_faces_of_its_font(app_server):
    """Gradio 6.31's Source Sans Pro SemiBold file holds 55 glyphs, so bold text mixed two fonts; the app's theme
    declares the 400 and 700 faces instead. Control: Gradio's default theme declares the broken 600 face."""
    with urllib.request.urlopen(app_server.local_url + "theme.css", timeout=30) as response:
        css = response.read().decode("utf-8")
    assert "SourceSansPro-Bold.woff2" in css and "SourceSansPro-SemiBold.woff2" not in css
    import gradio as gr

    default = gr.themes.Default()._get_theme_css()
    assert "SourceSansPro-SemiBold.woff2" in default


def test_named_endpoints_exist(client):
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/predict", "/attention", "/layer", "/tokens", "/polysemy"} <= names


def test_tokens_endpoint_returns_real_minilm_tokens(client):
    frame, summary, _plot = client.predict("The bank raised interest rates.", "", "minilm", api_name="/tokens")
    tokens = [row[1] for row in frame["data"]]
    assert tokens == ["[CLS]", "the", "bank", "raised", "interest", "rates", ".", "[SEP]"]
    ids = [row[2] for row in frame["data"]]
    assert ids[0] == 101 and ids[-1] == 102
    assert shows("tok_check_ok", summary) and not shows("tok_check_bad", summary)


def test_empty_text_is_a_message_not_a_traceback(client):
    with pytest.raises(AppError) as err:
        client.predict("   ", "", "minilm", api_name="/tokens")
    assert shows(Msg("text_empty", what=Msg("text_what_text")), str(err.value))


def test_missing_chinese_model_is_a_clear_message(client):
    with pytest.raises(AppError) as err:
        client.predict("我喜欢苹果。", "", "bert-base-chinese", api_name="/tokens")
    message = str(err.value)
    assert shows(Msg("model_not_here", name="bert-base-chinese", hub_id=PRESETS["bert-base-chinese"].hub_id), message)
    assert shows(Msg("model_fetch_hint", name="bert-base-chinese"), message)  # for the teacher: the command to run
    assert "Traceback" not in str(err.value)


def test_server_keeps_serving_after_errors(client):
    frame, _, _ = client.predict("still here", "", "minilm", api_name="/tokens")
    assert [row[1] for row in frame["data"]] == ["[CLS]", "still", "here", "[SEP]"]


def test_predict_endpoint_returns_chart_labels_and_top_scores(client):
    figure, chosen, top = client.predict("Thank you so much for helping me with my homework!", "tuned", 0.5,
                                         api_name="/predict")
    assert "gratitude" in chosen
    assert top["label"] == "gratitude"
    assert len(top["confidences"]) == 5
    assert figure is not None


def test_predict_says_the_english_classifier_cannot_read_chinese_and_how_to_get_one(client):
    with pytest.raises(AppError) as err:
        client.predict("谢谢你帮我复习，我终于考过了！", "tuned", 0.5, api_name="/predict")
    message = str(err.value)
    assert shows("analysis_classifier_english", message) and shows("teacher_chinese_classifier", message)
