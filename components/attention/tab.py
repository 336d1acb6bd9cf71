"""The Attention tab: heatmaps of one head, the head mean, all heads and rollout, plus bertviz.

Design decision: the Run button is the one API endpoint (``/attention``) and returns the
figure, the note and the bertviz document; moving a slider, switching the view or hiding
tokens only redraws the figure from the cached ``Analysis`` (``api_name=False``), so a class
exploring layers never waits for the model nor re-downloads the multi-megabyte bertviz page.
"""

from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from components.attention.bertviz import bertviz_html, shape_payload
from components.attention.compute import VIEWS, attention_view
from components.attention.figures import attention_figure
from components.core.analysis import Analysis
from components.core.services import Services
from components.ui.errors import show_warnings, user_errors
from components.ui.i18n import examples
from components.ui.widgets import sentence_pair

STRINGS = {
    "en": {
        "attn_intro": "Each layer of BERT has several **attention heads**; each head decides, for every token, "
                      "how much to look at every other token (each row of weights sums to 1). **Rollout** "
                      "follows attention through all layers, residual connections included, to show which "
                      "*input* tokens a token finally draws on.",
        "attn_layer": "Layer",
        "attn_head": "Head",
        "attn_view": "View",
        "attn_view_head": "one head",
        "attn_view_mean": "mean of the layer's heads",
        "attn_view_grid": "all heads of the layer",
        "attn_view_rollout": "rollout up to the layer",
        "attn_hide_special": "Hide [CLS] and [SEP]",
        "attn_hide_punct": "Hide punctuation",
        "attn_run": "Show attention",
        "attn_plot": "Attention heatmap (rows: attending token, columns: attended token)",
        "attn_bertviz": "bertviz head view and model view (runs offline, inside a sandbox)",
    },
    "zh": {
        "attn_intro": "BERT 的每一层有多个**注意力头**；每个头为每个词元决定要关注其他每个词元多少"
                      "（每行权重之和为 1）。**注意力展开（rollout）**沿着所有层（包括残差连接）追踪注意力，"
                      "显示一个词元最终取材于哪些*输入*词元。",
        "attn_layer": "层",
        "attn_head": "注意力头",
        "attn_view": "视图",
        "attn_view_head": "单个注意力头",
        "attn_view_mean": "该层所有头的平均",
        "attn_view_grid": "该层的全部注意力头",
        "attn_view_rollout": "到该层为止的注意力展开",
        "attn_hide_special": "隐藏 [CLS] 和 [SEP]",
        "attn_hide_punct": "隐藏标点符号",
        "attn_run": "显示注意力",
        "attn_plot": "注意力热力图（行：发出注意的词元，列：被注意的词元）",
        "attn_bertviz": "bertviz 头视图和模型视图（离线运行，在沙箱中）",
    },
}

EXAMPLES = [
    ["The animal didn't cross the street because it was too tired.", ""],
    ["The trophy would not fit in the suitcase because it was too big.", ""],
    ["Where did the children plant the tree?", "They planted it beside the school gate."],
    ["我昨天买了一个苹果。", ""],
    ["老师在教室里读书。", "学生们认真地听。"],
]

TITLES = {"head": "Layer {layer}, head {head}", "mean": "Layer {layer}, mean of {heads} heads",
          "grid": "Layer {layer}, all {heads} heads", "rollout": "Attention rollout, layers 0–{layer}"}


def _clamp(analysis: Analysis, layer: float | None, head: float | None) -> tuple[int, int]:
    """Sliders are built for 12 layers/heads; smaller models get the nearest that exists."""
    layer_i = min(max(int(layer or 0), 0), analysis.n_layers - 1)
    head_i = min(max(int(head or 0), 0), analysis.n_heads - 1)
    return layer_i, head_i


def render(analysis: Analysis, layer: float | None, head: float | None, view: str, hide_special: bool,
           hide_punct: bool) -> tuple[go.Figure, str]:
    """The figure and its note for one view of a cached analysis."""
    layer_i, head_i = _clamp(analysis, layer, head)
    shown = attention_view(analysis, view, layer_i, head_i, hide_special=bool(hide_special),
                           hide_punct=bool(hide_punct))
    title = f"{analysis.model_name}: " + TITLES[view].format(layer=layer_i, head=head_i, heads=analysis.n_heads)
    note = shown.note
    if (layer_i, head_i) != (int(layer or 0), int(head or 0)) and view != "rollout":
        note += (f" (This model has {analysis.n_layers} layers and {analysis.n_heads} heads, "
                 f"so layer {layer_i}, head {head_i} is shown.)")
    return attention_figure(shown, title), note


def attention_endpoint(services: Services):
    @user_errors
    def attention(text: str, text_pair: str, model_name: str, layer: float, head: float, view: str,
                  hide_special: bool, hide_punct: bool) -> tuple[go.Figure, str, str]:
        analysis = services.analysis(model_name, text, text_pair or None)
        show_warnings(analysis.warnings())
        figure, note = render(analysis, layer, head, view, hide_special, hide_punct)
        layer_i, _ = _clamp(analysis, layer, head)
        payload = shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, layer_i)
        return figure, note, bertviz_html(payload)

    return attention


def redraw_endpoint(services: Services):
    @user_errors
    def redraw(text: str, text_pair: str, model_name: str, layer: float, head: float, view: str,
               hide_special: bool, hide_punct: bool):
        if not (text or "").strip():
            return gr.skip(), gr.skip()
        analysis = services.analysis(model_name, text, text_pair or None)
        return render(analysis, layer, head, view, hide_special, hide_punct)

    return redraw


def build_attention_tab(services: Services, i18n: gr.I18n, model_box: gr.Dropdown) -> None:
    gr.Markdown(i18n("attn_intro"))
    text, pair = sentence_pair(i18n, EXAMPLES[0][0])
    with gr.Row():
        layer = gr.Slider(0, 11, value=2, step=1, label=i18n("attn_layer"))
        head = gr.Slider(0, 11, value=0, step=1, label=i18n("attn_head"))
    with gr.Row():
        view = gr.Radio([(i18n(f"attn_view_{v}"), v) for v in VIEWS], value="mean", label=i18n("attn_view"),
                        scale=3)
        with gr.Column(scale=1):
            hide_special = gr.Checkbox(label=i18n("attn_hide_special"), value=False)
            hide_punct = gr.Checkbox(label=i18n("attn_hide_punct"), value=False)
    run = gr.Button(i18n("attn_run"), variant="primary")
    note = gr.Markdown()
    plot = gr.Plot(label=i18n("attn_plot"))
    bertviz = gr.HTML(label=i18n("attn_bertviz"))
    examples(EXAMPLES, [text, pair], i18n)
    inputs = [text, pair, model_box, layer, head, view, hide_special, hide_punct]
    run.click(attention_endpoint(services), inputs, [plot, note, bertviz], api_name="attention")
    text.submit(attention_endpoint(services), inputs, [plot, note, bertviz], api_name=False)
    redraw = redraw_endpoint(services)
    for control in (layer, head):
        control.release(redraw, inputs, [plot, note], api_name=False)
    for control in (view, hide_special, hide_punct):
        control.change(redraw, inputs, [plot, note], api_name=False)
