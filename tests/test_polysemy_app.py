"""/polysemy through gradio_client, as a class would script it, and the tab's wiring: the heavy
lane, deep links, the exports, both languages."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gradio_client.exceptions import AppError

from components.core.lanes import plan
from components.core.messages import Msg
from components.core.services import AppConfig, Services
from components.polysemy.sets import builtin_sets
from components.polysemy.tab import link_endpoint, polysemy_endpoint
from components.ui.shell import read_link
from tests.tiny import shows

BANK = builtin_sets()["bank"]
PINGGUO = builtin_sets()["pingguo"]


def figure(payload) -> dict:
    """gradio_client returns a Plot as {"type": "plotly", "plot": "<figure JSON>"}."""
    plot = payload["plot"] if isinstance(payload, dict) and "plot" in payload else payload
    return json.loads(plot) if isinstance(plot, str) else plot


@pytest.mark.minilm
def test_bank_on_minilm_returns_both_spaces_the_matrix_the_curve_and_the_exports(client):
    static, contextual, matrix, curve, note, coords, npy, layer = client.predict(
        "bank", BANK.as_text(), "bank", "", "base", 6, "minilm", api_name="/polysemy")
    static, contextual, matrix, curve = map(figure, (static, contextual, matrix, curve))
    star = [t for t in static["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert len(star) == 1 and len(star[0]["x"]) == 1  # one static point for 20 sentences
    senses = [t for t in contextual["data"] if t["name"] in ("finance", "river")]
    assert sum(len(t["x"]) for t in senses) == 20
    assert any("picnic on the grassy bank" in text for t in senses for text in t["customdata"])
    assert len(matrix["data"][0]["z"]) == 20
    assert len(curve["data"][0]["y"]) == 7  # minilm: embedding output + 6 layers
    assert shows("poly_note_best", note) and "nan" not in note
    assert any(shows(Msg("poly_note_static", label=Msg(glove)), note)  # the static baseline is GloVe
               for glove in ("poly_static_glove_full", "poly_static_glove_shared")), note
    vectors = np.load(npy)
    assert vectors.shape == (20, 7, 384) and vectors.dtype == np.float32
    assert len(coords["data"]) == 28 and coords["headers"][-2:] == ["x", "y"]  # 20 occurrences + 8 anchors
    assert layer == 6
    for fig, view in ((static, "static"), (contextual, "layer6"), (matrix, "cosine"), (curve, "separation")):
        assert fig["layout"]["meta"]["export"].startswith(f"bertlens-polysemy-{view}")  # PNG/SVG file names


@pytest.mark.minilm
def test_a_layer_beyond_the_model_is_clamped_and_reported(client):
    *_, layer = client.predict("bank", BANK.as_text(), "bank", "", "base", 12, "minilm", api_name="/polysemy")
    assert layer == 6


@pytest.mark.minilm
def test_layer_zero_of_a_set_with_the_target_always_first_says_the_points_coincide(client):
    text = "\n".join(f"{sense} | bank {rest}" for sense, rest in [
        ("money", "loans are cheap now."), ("money", "accounts pay interest."), ("money", "fees went up again."),
        ("river", "erosion ruined the path."), ("river", "grass grows by the water."),
        ("river", "flowers bloom early.")])
    _, contextual, *_ = client.predict("bank", text, "bank", "", "base", 0, "minilm", api_name="/polysemy")
    contextual = figure(contextual)
    points = [(x, y) for t in contextual["data"] if t["name"] in ("money", "river") for x, y in zip(t["x"], t["y"])]
    assert len(points) == 6 and len(set(points)) == 1  # six occurrences, one vector, one spot
    notice = " ".join(contextual["layout"]["annotations"][0]["text"].split("<br>"))  # lines wrapped for plotly
    assert shows(Msg("poly_fig_coincide_all", layer=0, n=6), notice) and shows("poly_fig_layer0_why", notice)


def test_chinese_set_on_an_english_model_is_the_one_message_naming_the_model_to_fetch(client):
    with pytest.raises(AppError) as err:
        client.predict("pingguo", PINGGUO.as_text("zh"), "苹果", "", "base", 6, "minilm", api_name="/polysemy")
    message = str(err.value)
    assert shows(Msg("analysis_needs_chinese_model", model="minilm"), message)
    assert shows(Msg("model_fetch_hint", name="bert-base-chinese"), message)  # for the teacher: what to fetch
    assert not shows("poly_line_error", message)  # one message, not one per sentence


def test_pingguo_on_the_tiny_chinese_model_pools_both_characters(client, tiny_zh_dir):
    *figures, note, coords, npy, layer = client.predict(
        "pingguo", PINGGUO.as_text("zh"), "苹果", "", "base", 1, str(tiny_zh_dir), api_name="/polysemy")
    assert shows(Msg("poly_note_occurrences", pieces="苹 \\+ 果"), note) and shows("poly_static_table", note)
    assert np.load(npy).shape[:2] == (22, 3) and layer == 1


def test_a_chinese_session_reads_the_note_figures_and_table_in_chinese(tiny_zh_dir):
    services = Services(AppConfig(models=(str(tiny_zh_dir),), default_model=str(tiny_zh_dir), warm_up=False))
    static, contextual, matrix, curve, note, coords, npy, layer = polysemy_endpoint(services)(
        "pingguo", PINGGUO.as_text("zh"), "苹果", "", "base", 1, str(tiny_zh_dir), "zh")
    assert "词元 苹 \\+ 果" in note and "输入嵌入表" in note and "最佳层" in note
    assert contextual.layout.title.text.startswith("上下文空间") and static.layout.title.text.startswith("静态空间")
    assert matrix.layout.title.text.startswith("各次出现") and curve.layout.xaxis.title.text.startswith("层")
    assert {t.name for t in contextual.data} >= {"水果", "公司", "锚点词"}
    assert coords["headers"][:3] == ["序号", "词义", "类型"] and coords["data"][0][2] == "出现"


def test_malformed_line_and_unknown_target_are_messages(client):
    with pytest.raises(AppError) as err:
        client.predict("bank", "a | the bank\nno separator", "bank", "", "base", 6, "minilm", api_name="/polysemy")
    assert shows(Msg("poly_line_format", line=2), str(err.value))
    with pytest.raises(AppError) as err:
        client.predict("bank", BANK.as_text(), "zebra", "", "base", 6, "minilm", api_name="/polysemy")
    assert shows(Msg("poly_line_error", line=1, error=Msg("poly_not_in_sentence", target="zebra")), str(err.value))


def test_a_sense_with_one_sentence_gets_its_maps_and_a_message_instead_of_nan(client, tiny_en_dir):
    text = "money | I paid the bank.\nmoney | The bank gave a loan.\nriver | We sat on the river bank."
    static, contextual, matrix, curve, note, *_ = client.predict("bank", text, "bank", "", "base", 1,
                                                                 str(tiny_en_dir), api_name="/polysemy")
    assert shows(Msg("poly_note_single", sense="river"), note) and not shows("poly_note_best", note)
    assert "nan" not in note.lower()
    assert len(figure(matrix)["data"][0]["z"]) == 3 and not figure(curve)["data"]


def test_every_polysemy_event_that_may_fit_a_map_is_in_the_heavy_lane(app_server):
    names = {"polysemy", "polysemy_link"}
    events = [fn for fn in app_server.fns.values() if getattr(fn.fn, "__name__", "") in names]
    assert len(events) >= 4  # run, target submit, layer release, the deep link
    heavy = plan(4).heavy  # the app_server fixture's --concurrency
    for event in events:
        assert event.concurrency_id == heavy.name and event.concurrency_limit == heavy.slots


def test_read_link_fills_the_polysemy_controls(tiny_en_dir):
    import gradio as gr

    from components.polysemy import tab as polysemy_tab
    from components.ui.i18n import make_i18n
    from components.ui.widgets import TabContext

    services = Services(AppConfig(models=("minilm",), warm_up=False))
    with gr.Blocks():
        ctx = TabContext(services=services, i18n=make_i18n(), model=gr.Dropdown(["minilm"], value="minilm"),
                         lang=gr.State("en"), session_classifier=gr.State(None))
        handle = polysemy_tab.build(ctx)
    assert set(handle.fields) == {"set", "target", "layer", "encoder", "span", "sentences"}
    query = {"tab": "polysemy", "set": "spring", "layer": "3", "encoder": "tuned", "target": "spring"}
    tab, values, notices = read_link(query, {"polysemy": handle.fields}, services.config.models, 80)
    assert tab == "polysemy" and not notices
    assert {handle.fields[k]: v for k, v in (("set", "spring"), ("layer", 3.0), ("encoder", "tuned"),
                                              ("target", "spring"))} == values
    _, _, notices = read_link({"tab": "polysemy", "set": "nope", "layer": "99"}, {"polysemy": handle.fields},
                              services.config.models, 40)
    assert len(notices) == 2  # ignored with a notice, never an error page


def test_a_link_to_a_set_runs_its_own_sentences_in_the_sessions_language(tiny_en_dir):
    services = Services(AppConfig(models=(str(tiny_en_dir),), default_model=str(tiny_en_dir), warm_up=False))
    run = link_endpoint(services)
    *outputs, text, target = run("spring", "", "bank", "", "base", 1, str(tiny_en_dir), "zh")
    assert text == builtin_sets()["spring"].as_text("zh") and target == "spring"  # the set's word, not 'bank'
    assert {t.name for t in outputs[1].data} >= {"春天", "泉水"}  # the senses as the Chinese text names them
    custom = "a | the bank\na | my bank\nb | the river bank\nb | bank of the river"
    *_, text, target = run("spring", custom, "bank", "", "base", 1, str(tiny_en_dir), "en")
    assert text == custom and target == "bank"  # a link that carries its own sentences keeps them
