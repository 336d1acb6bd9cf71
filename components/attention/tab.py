"""The Attention tab: heatmaps of one head, the head mean, all heads and rollout, plus bertviz.

Design decision: the Run button (``/attention``) returns the figure and the note; moving a
slider, switching the view or hiding tokens only redraws the figure from the cached
``Analysis``, so a class exploring layers never waits for the model. The bertviz document (as
costly to build as the forward itself: every weight quantised, deflated and escaped into an
``srcdoc``) is built only while its accordion is open (``/attention_bertviz``: when it is
opened, and after a Run while it stays open), never for the many students who do not look at
it. The bertviz views download as one standalone HTML file, built in the browser from the
document it already holds.

Compare mode (off by default) reads a second sentence on its own — a minimal pair, which is not
sentence B: sentence B makes a pair BERT reads together in one input, with segment ids — and shows
the same view of both, as a difference when their pieces line up (``/attention_compare``, run after
the first sentence's figure and redrawn with it). Compute (``compute``, ``compare``) -> view (``view``)
-> this module, wiring only.
"""

from __future__ import annotations

import gradio as gr
import plotly.graph_objects as go

from components.attention.compute import VIEW_LABEL_KEYS, VIEWS
from components.attention.view import DEFAULT_HEAD, DEFAULT_LAYER, bertviz_view, compare_outputs, render_view
from components.core.messages import UserError
from components.core.minimal_pairs import pairs_for
from components.core.services import Services
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import model_slider
from components.ui.widgets import (
    PAIR_HEADERS,
    TabContext,
    TabHandle,
    compare_sentence,
    examples,
    pair_examples,
    run_then_compare,
    sentence_pair,
    when_on,
)

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


def attention_compare_endpoint(services: Services):
    @user_errors
    def attention_compare(text: str, text_pair: str, compare_text: str, model_name: str, layer: float, head: float,
                          view: str, hide_special: bool, hide_punct: bool, lang: str = "en"):
        if not (compare_text or "").strip():
            raise UserError("attn_compare_empty")
        first = services.analysis(model_name, text, text_pair or None)
        second = services.analysis(model_name, compare_text)
        show_warnings(second.warnings(), lang)
        return compare_outputs(first, second, layer, head, view, hide_special, hide_punct, lang)

    return attention_compare


def redraw_compare_endpoint(services: Services):
    """The comparison redrawn with the first figure (a slider, the view, hiding): nothing runs a model twice."""
    compared = attention_compare_endpoint(services)

    def redraw_compare(text: str, text_pair: str, compare_text: str, *rest):
        if not (text or "").strip():
            return gr.skip(), gr.skip()
        return compared(text, text_pair, compare_text, *rest)

    return redraw_compare


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
        return bertviz_view(analysis, layer, lang)

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
    with gr.Group():
        on, second = compare_sentence(i18n, "attention", info=i18n("attn_compare_info"))
    run = gr.Button(i18n("attn_run"), variant="primary")
    note = gr.Markdown(elem_id="attention-note")
    plot = gr.Plot(label=i18n("attn_plot"), elem_id="attention-plot")
    with gr.Column(visible=False) as compared:
        gr.Markdown(i18n("attn_cmp_section"))
        compare_note = gr.Markdown(elem_id="attention-compare-note")
        compare_plot = gr.Plot(label=i18n("attn_cmp_plot"), elem_id="attention-compare-plot")
    with gr.Accordion(i18n("attn_bertviz"), open=False, elem_id="attention-bertviz-box") as bertviz_box:
        bertviz = gr.HTML(elem_id="attention-bertviz")
        download = gr.Button(i18n("attn_download_html"), size="sm", elem_classes=["bl-download"],
                             elem_id="bertviz-download")
    bertviz_open = gr.State(False)
    examples(ctx.readable(EXAMPLES), [text, pair], i18n, headers=PAIR_HEADERS)
    pair_examples(ctx.readable(pairs_for("en", "zh")), text, second, on, i18n, "attention-pairs", clear=[pair])
    on.change(lambda shown: gr.update(visible=bool(shown)), on, compared, queue=False, api_name=False,
              show_progress="hidden")
    inputs = [text, pair, ctx.model, layer, head, view, hide_special, hide_punct, ctx.lang]
    compare_inputs = [text, pair, second, ctx.model, layer, head, view, hide_special, hide_punct, ctx.lang]
    outputs, compare_outs = [plot, note], [compare_plot, compare_note]
    fn, run_compare = attention_endpoint(ctx.services), attention_compare_endpoint(ctx.services)
    redraw, redraw_compare = redraw_endpoint(ctx.services), redraw_compare_endpoint(ctx.services)
    bertviz_inputs = [text, pair, ctx.model, layer, ctx.lang]
    opened = bertviz_box.expand(lambda: True, None, bertviz_open, api_name=False, show_progress="hidden")
    ctx.light(opened.then, bertviz_endpoint(ctx.services), bertviz_inputs, bertviz, api_name="attention_bertviz")
    bertviz_box.collapse(lambda: False, None, bertviz_open, api_name=False, show_progress="hidden")
    refresh = bertviz_if_open(ctx.services)

    def wire(trigger, run_fn, run_outputs, compare_fn, **kwargs):
        return run_then_compare(ctx, trigger, run_fn, inputs, run_outputs, compare_fn, compare_inputs, compare_outs,
                                on, **kwargs)

    for trigger, name, more in ((run.click, "attention", {}), (text.submit, False, {}),
                                (second.submit, False, {"compare_api_name": "attention_compare"})):
        ran = wire(trigger, fn, outputs, run_compare, api_name=name, **more)
        ctx.light(ran.success, refresh, [bertviz_open, *bertviz_inputs], bertviz, api_name=False)
    for control in (layer, head):
        wire(control.release, redraw, [plot, note], redraw_compare, api_name=False)
    for control in (view, hide_special, hide_punct):
        wire(control.change, redraw, [plot, note], redraw_compare, api_name=False)
    download.click(None, [bertviz], None, js=DOWNLOAD_JS)
    gated = when_on(run_compare, len(compare_outs))

    def linked(on_value, text_value, pair_value, compare_value, *rest):
        """A deep link runs both: the first sentence, then the comparison when the link turns it on."""
        return (*fn(text_value, pair_value, *rest), *gated(on_value, text_value, pair_value, compare_value, *rest))

    fields = {"text": text, "pair": pair, "layer": layer, "head": head, "view": view, "hide_special": hide_special,
              "hide_punct": hide_punct, "compare": on, "compare_text": second}
    return TabHandle(fields=fields, run=(linked, [on, *compare_inputs], outputs + compare_outs))
