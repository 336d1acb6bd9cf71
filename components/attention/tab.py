"""The Attention tab: heatmaps of one head, the head mean, all heads and rollout, plus bertviz.

Design decision: the Run button (``/attention``) returns the figure and the note; moving a
slider, switching the view or hiding tokens only redraws the figure from the cached
``Analysis``, so a class exploring layers never waits for the model. The bertviz document (as
costly to build as the forward itself: every weight quantised, deflated and escaped into an
``srcdoc``) is built only while its accordion is open (``/attention_bertviz``: when it is
opened, and after a Run while it stays open), never for the many students who do not look at
it. The bertviz views download as one standalone HTML file, built in the browser from the
document it already holds.
"""

from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from components.attention.bertviz import bertviz_html, shape_payload
from components.attention.compute import TITLE_KEYS, VIEW_LABEL_KEYS, VIEWS, attention_view
from components.attention.figures import GRID_CELLS, attention_figure
from components.core.analysis import Analysis
from components.core.messages import render, t
from components.core.services import Services
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, examples, sentence_pair

TAB_ID = "attention"
TITLE = "tab_attention"

EXAMPLES = [
    ["The animal didn't cross the street because it was too tired.", ""],
    ["The trophy would not fit in the suitcase because it was too big.", ""],
    ["Where did the children plant the tree?", "They planted it beside the school gate."],
    ["我喜欢吃苹果。", ""],
    ["苹果和华为哪个牌子好？", ""],
    ["老师在教室里读书。", "学生们认真地听。"],
]

# Saves the iframe's own document (its srcdoc) as a file: it runs offline, with no server.
DOWNLOAD_JS = """
(value) => {
  const frame = new DOMParser().parseFromString(value || '', 'text/html').querySelector('iframe');
  if (!frame) { return []; }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([frame.getAttribute('srcdoc')], {type: 'text/html;charset=utf-8'}));
  link.download = 'bertlens-bertviz.html';
  document.body.appendChild(link); link.click(); link.remove();
  return [];
}
"""


def _clamp(analysis: Analysis, layer: float | None, head: float | None) -> tuple[int, int]:
    """Sliders are built for 12 layers/heads; smaller models get the nearest that exists."""
    layer_i = min(max(int(layer or 0), 0), analysis.n_layers - 1)
    head_i = min(max(int(head or 0), 0), analysis.n_heads - 1)
    return layer_i, head_i


def render_view(analysis: Analysis, layer: float | None, head: float | None, view: str, hide_special: bool,
                hide_punct: bool, lang: str) -> tuple[go.Figure, str]:
    """The figure and its note for one view of a cached analysis."""
    layer_i, head_i = _clamp(analysis, layer, head)
    shown = attention_view(analysis, view, layer_i, head_i, hide_special=bool(hide_special),
                           hide_punct=bool(hide_punct))
    title = t(TITLE_KEYS[view], lang, model=analysis.model_name, layer=layer_i, head=head_i,
              heads=analysis.n_heads)
    note = render(shown.note, lang)
    if (layer_i, head_i) != (int(layer or 0), int(head or 0)) and view != "rollout":
        note += " " + t("attn_note_clamped", lang, layers=analysis.n_layers, heads=analysis.n_heads, layer=layer_i,
                        head=head_i)
    if view == "grid" and analysis.n_tokens > 64:
        size = -(-len(shown.tokens) // GRID_CELLS)
        if size > 1:
            note += " " + t("attn_note_binned", lang, n=len(shown.tokens), size=size)
    return attention_figure(shown, title, lang, analysis.text), note


def attention_endpoint(services: Services):
    @user_errors
    def attention(text: str, text_pair: str, model_name: str, layer: float, head: float, view: str,
                  hide_special: bool, hide_punct: bool, lang: str = "en") -> tuple[go.Figure, str]:
        analysis = services.analysis(model_name, text, text_pair or None)
        show_warnings(analysis.warnings(), lang)
        return render_view(analysis, layer, head, view, hide_special, hide_punct, lang)

    return attention


def bertviz_endpoint(services: Services):
    @user_errors
    def attention_bertviz(text: str, text_pair: str, model_name: str, layer: float, lang: str = "en") -> str:
        analysis = services.analysis(model_name, text, text_pair or None)
        layer_i, _ = _clamp(analysis, layer, 0)
        return bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, layer_i), lang)

    return attention_bertviz


def bertviz_if_open(services: Services):
    """After a Run: the bertviz views again while their accordion is open, else nothing is sent."""
    build = bertviz_endpoint(services)

    def refresh_bertviz(is_open: bool, text: str, text_pair: str, model_name: str, layer: float, lang: str = "en"):
        return build(text, text_pair, model_name, layer, lang) if is_open and (text or "").strip() else gr.skip()

    return refresh_bertviz


def redraw_endpoint(services: Services):
    @user_errors
    def redraw(text: str, text_pair: str, model_name: str, layer: float, head: float, view: str,
               hide_special: bool, hide_punct: bool, lang: str = "en"):
        if not (text or "").strip():
            return gr.skip(), gr.skip()
        analysis = services.analysis(model_name, text, text_pair or None)
        return render_view(analysis, layer, head, view, hide_special, hide_punct, lang)

    return redraw


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("attn_intro"))
    text, pair = sentence_pair(i18n, EXAMPLES[0][0], "attention")
    with gr.Row():
        layer = gr.Slider(0, 11, value=2, step=1, label=i18n("attn_layer"), elem_id="attention-layer")
        head = gr.Slider(0, 11, value=0, step=1, label=i18n("attn_head"), elem_id="attention-head")
    with gr.Row():
        view = gr.Radio([(i18n(VIEW_LABEL_KEYS[v]), v) for v in VIEWS], value="mean", label=i18n("attn_view"),
                        scale=3, elem_id="attention-view")
        with gr.Column(scale=1):
            hide_special = gr.Checkbox(label=i18n("attn_hide_special"), value=False)
            hide_punct = gr.Checkbox(label=i18n("attn_hide_punct"), value=False)
    run = gr.Button(i18n("attn_run"), variant="primary")
    note = gr.Markdown(elem_id="attention-note")
    plot = gr.Plot(label=i18n("attn_plot"), elem_id="attention-plot")
    with gr.Accordion(i18n("attn_bertviz"), open=False, elem_id="attention-bertviz-box") as bertviz_box:
        bertviz = gr.HTML(elem_id="attention-bertviz")
        download = gr.Button(i18n("attn_download_html"), size="sm", elem_classes=["bl-download"],
                             elem_id="bertviz-download")
    bertviz_open = gr.State(False)
    examples(EXAMPLES, [text, pair], i18n, headers=PAIR_HEADERS)
    inputs = [text, pair, ctx.model, layer, head, view, hide_special, hide_punct, ctx.lang]
    fn = attention_endpoint(ctx.services)
    bertviz_inputs = [text, pair, ctx.model, layer, ctx.lang]
    opened = bertviz_box.expand(lambda: True, None, bertviz_open, api_name=False, show_progress="hidden")
    ctx.light(opened.then, bertviz_endpoint(ctx.services), bertviz_inputs, bertviz, api_name="attention_bertviz")
    bertviz_box.collapse(lambda: False, None, bertviz_open, api_name=False, show_progress="hidden")
    refresh = bertviz_if_open(ctx.services)
    for trigger in (run.click, text.submit):
        ran = ctx.light(trigger, fn, inputs, [plot, note], api_name="attention" if trigger == run.click else False)
        ctx.light(ran.success, refresh, [bertviz_open, *bertviz_inputs], bertviz, api_name=False)
    redraw = redraw_endpoint(ctx.services)
    for control in (layer, head):
        ctx.light(control.release, redraw, inputs, [plot, note], api_name=False)
    for control in (view, hide_special, hide_punct):
        ctx.light(control.change, redraw, inputs, [plot, note], api_name=False)
    download.click(None, [bertviz], None, js=DOWNLOAD_JS)
    fields = {"text": text, "pair": pair, "layer": layer, "head": head, "view": view, "hide_special": hide_special,
              "hide_punct": hide_punct}
    return TabHandle(fields=fields, run=(fn, inputs, [plot, note]))
