"""The Attention tab: heatmaps of one head, the head mean, all heads and rollout, plus bertviz.

Design decision: the Run button is the one API endpoint (``/attention``) and returns the
figure, the note and the bertviz document; moving a slider, switching the view or hiding
tokens only redraws the figure from the cached ``Analysis``, so a class exploring layers never
waits for the model nor re-downloads the bertviz page. The bertviz views download as one
standalone HTML file, built in the browser from the document it already holds.
"""

from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from components.attention.bertviz import bertviz_html, shape_payload
from components.attention.compute import TITLE_KEYS, VIEW_LABEL_KEYS, VIEWS, attention_view
from components.attention.figures import GRID_CELLS, attention_figure
from components.core.analysis import Analysis
from components.core.messages import render, t
from components.core.numbering import Clamped, clamp
from components.core.services import Services
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, examples, model_slider, sentence_pair

TAB_ID = "attention"
TITLE = "tab_attention"
DEFAULT_LAYER, DEFAULT_HEAD = 3, 1  # numbered from 1, as the sliders show them

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


def _clamp(analysis: Analysis, layer: float | None, head: float | None) -> tuple[Clamped, Clamped]:
    """The slider numbers (from 1) brought into this model's range, each with its notice if it moved."""
    shape = (analysis.n_layers, analysis.n_heads)
    return (clamp("layer", layer, shape, analysis.model_name, DEFAULT_LAYER),
            clamp("head", head, shape, analysis.model_name, DEFAULT_HEAD))


def render_view(analysis: Analysis, layer: float | None, head: float | None, view: str, hide_special: bool,
                hide_punct: bool, lang: str) -> tuple[go.Figure, str]:
    """The figure and its note for one view of a cached analysis."""
    layer_c, head_c = _clamp(analysis, layer, head)
    shown = attention_view(analysis, view, layer_c.index, head_c.index, hide_special=bool(hide_special),
                           hide_punct=bool(hide_punct))
    title = t(TITLE_KEYS[view], lang, model=analysis.model_name, layer=layer_c.number, head=head_c.number,
              heads=analysis.n_heads)
    note = render(shown.note, lang)
    moved = [c.notice for c in (layer_c, head_c if view == "head" else None) if c is not None and c.notice]
    if moved:
        note += " " + " ".join(render(m, lang) for m in moved)
    if view == "grid" and analysis.n_tokens > 64:
        size = -(-len(shown.tokens) // GRID_CELLS)
        if size > 1:
            note += " " + t("attn_note_binned", lang, n=len(shown.tokens), size=size)
    return attention_figure(shown, title, lang, analysis.text), note


def attention_endpoint(services: Services):
    @user_errors
    def attention(text: str, text_pair: str, model_name: str, layer: float, head: float, view: str,
                  hide_special: bool, hide_punct: bool, lang: str = "en") -> tuple[go.Figure, str, str]:
        analysis = services.analysis(model_name, text, text_pair or None)
        show_warnings(analysis.warnings(), lang)
        figure, note = render_view(analysis, layer, head, view, hide_special, hide_punct, lang)
        layer_c, _ = _clamp(analysis, layer, head)
        payload = shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, layer_c.index)
        return figure, note, bertviz_html(payload, lang)

    return attention


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
        layer = model_slider("layer", DEFAULT_LAYER, ctx.services.config.default_model, label=i18n("attn_layer"),
                            info=i18n("num_rule_short"), elem_id="attention-layer")
        head = model_slider("head", DEFAULT_HEAD, ctx.services.config.default_model, label=i18n("attn_head"),
                           elem_id="attention-head")
    with gr.Row():
        view = gr.Radio([(i18n(VIEW_LABEL_KEYS[v]), v) for v in VIEWS], value="mean", label=i18n("attn_view"),
                        scale=3, elem_id="attention-view")
        with gr.Column(scale=1):
            hide_special = gr.Checkbox(label=i18n("attn_hide_special"), value=False)
            hide_punct = gr.Checkbox(label=i18n("attn_hide_punct"), value=False)
    run = gr.Button(i18n("attn_run"), variant="primary")
    note = gr.Markdown(elem_id="attention-note")
    plot = gr.Plot(label=i18n("attn_plot"), elem_id="attention-plot")
    bertviz = gr.HTML(label=i18n("attn_bertviz"), elem_id="attention-bertviz")
    download = gr.Button(i18n("attn_download_html"), size="sm", elem_classes=["bl-download"],
                         elem_id="bertviz-download")
    examples(EXAMPLES, [text, pair], i18n, headers=PAIR_HEADERS)
    inputs = [text, pair, ctx.model, layer, head, view, hide_special, hide_punct, ctx.lang]
    fn = attention_endpoint(ctx.services)
    ctx.model_event(run.click, fn, inputs, [plot, note, bertviz], api_name="attention")
    ctx.model_event(text.submit, fn, inputs, [plot, note, bertviz], api_name=False)
    redraw = redraw_endpoint(ctx.services)
    for control in (layer, head):
        ctx.model_event(control.release, redraw, inputs, [plot, note], api_name=False)
    for control in (view, hide_special, hide_punct):
        ctx.model_event(control.change, redraw, inputs, [plot, note], api_name=False)
    download.click(None, [bertviz], None, js=DOWNLOAD_JS)
    fields = {"text": text, "pair": pair, "layer": layer, "head": head, "view": view, "hide_special": hide_special,
              "hide_punct": hide_punct}
    return TabHandle(fields=fields, run=(fn, inputs, [plot, note, bertviz]))
