"""The Polysemy tab: one word, many sentences; a static vector gives one point, BERT one per occurrence.

Design decision: the tab only wires. What the student typed goes to ``study.study`` (computed
once per encoder, sentences and target: vectors, baseline, best layer, note) and
``view.polysemy_outputs`` (figures per layer and language, cached), so the layer slider re-renders
from caches and never re-runs BERT. A deep link carries the set, the target, the layer, the
encoder and, only when they differ from the set's own, the sentences (a hidden field, so a link
to a built-in set stays short).
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import Msg, UserError, t
from components.core.numbering import clamp
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.polysemy import projection
from components.polysemy.sentences import MAX_TARGET, clean_target, parse_span
from components.polysemy.sets import (
    DEFAULT_SET,
    builtin_sets,
    link_sentences,
    own_sentences,
    set_sentences,
    set_text_language,
)
from components.polysemy.study import study
from components.polysemy.view import polysemy_outputs
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import model_slider
from components.ui.widgets import TabContext, TabHandle, csv_button

TAB_ID = "polysemy"
TITLE = "tab_polysemy"
SETS = builtin_sets()
PROGRESS = gr.Progress()  # heavy lane: Gradio shows the bar this default stands for; one instance serves every call


def _encoder(services: Services, model_name: str, encoder: str, lang: str):
    """(model, tuned): the fine-tuned classifier's encoder when asked for and available, else the base model."""
    if encoder == "tuned":
        try:
            return services.classifier().model, True
        except (UserError, OSError) as exc:
            why = exc.msg if isinstance(exc, UserError) else type(exc).__name__
            show_warnings([Msg("poly_tuned_unavailable", why=why)], lang)
    return services.model(model_name), False


def polysemy_endpoint(services: Services):
    @user_errors
    def polysemy(set_key: str, sentences: str, target: str, span: str, encoder: str, layer: float,
                 model_name: str, lang: str = "en", progress=PROGRESS):
        if projection.warming():  # the first request after a start: UMAP is still being prepared
            progress(0, desc=t("poly_warming", lang))
            projection.wait_warm()
        progress(0, desc=t("poly_progress", lang))
        target = clean_target(target)
        model, tuned = _encoder(services, model_name, encoder, lang)
        found = study(model, sentences or "", target, parse_span(span), glove=services.config.glove, tuned=tuned)
        shown = clamp("hidden", layer, (found.n_layers, int(model.config.num_attention_heads)), model.name,
                      default=found.n_layers)
        show_warnings([shown.notice] if shown.notice else [], lang)
        return polysemy_outputs(found, shown.number, lang)

    return polysemy


def layer_bounds(services: Services):
    @user_errors
    def bounds(model_name: str, encoder: str, layer: float, lang: str = "en"):
        model, _tuned = _encoder(services, model_name, encoder, lang)
        last = int(model.config.num_hidden_layers)
        return gr.update(maximum=last, value=min(int(layer or 0), last))

    return bounds


def link_endpoint(services: Services):
    """A deep link: the set's own sentences (in the session's language) unless the link carries others."""
    run, bounds = polysemy_endpoint(services), layer_bounds(services)

    @user_errors
    def polysemy_link(set_key: str, custom: str, target: str, span: str, encoder: str, layer: float,
                      model_name: str, lang: str = "en"):
        text, target = link_sentences(set_key, custom, target, lang)
        *views, shown = run(set_key, text, target, span, encoder, layer, model_name, lang)
        return (*views, bounds(model_name, encoder, shown, lang), text, target)

    return polysemy_link


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("poly_intro"))
    first = SETS[DEFAULT_SET]
    with gr.Row():
        with gr.Column(scale=2):
            sentences = gr.Textbox(label=i18n("poly_sentences"), value=first.as_text(), lines=10, max_lines=24,
                                   max_length=MAX_CHARS, elem_id="polysemy-sentences")
        with gr.Column(scale=1):
            readable = [(i18n(s.title_key), key) for key, s in SETS.items()  # Chinese sets need a Chinese model
                        if s.language != "zh" or ctx.services.chinese_here()]
            set_key = gr.Dropdown(choices=readable, value=DEFAULT_SET,
                                  label=i18n("poly_set"), elem_id="polysemy-set")
            target = gr.Textbox(label=i18n("poly_target"), value=first.target, max_length=MAX_TARGET,
                                elem_id="polysemy-target")
            span = gr.Textbox(label=i18n("poly_span"), placeholder="4:8", max_length=20, elem_id="polysemy-span")
            encoder = gr.Radio([(i18n("poly_encoder_base"), "base"), (i18n("poly_encoder_tuned"), "tuned")],
                               value="base", label=i18n("poly_encoder"), elem_id="polysemy-encoder")
            layer = model_slider("hidden", 6, ctx.services.config.default_model, label=i18n("poly_layer"),
                                 info=i18n("num_rule_hidden"), elem_id="polysemy-layer")
            run = gr.Button(i18n("poly_run"), variant="primary", elem_id="polysemy-run")
    custom = gr.Textbox(visible=False, max_length=MAX_CHARS)  # the sentences, when they are not the set's own
    note = gr.Markdown(elem_id="polysemy-note")
    with gr.Row():
        static_plot = gr.Plot(label=i18n("poly_static"), elem_id="polysemy-static")
        contextual_plot = gr.Plot(label=i18n("poly_contextual"), elem_id="polysemy-contextual")
    with gr.Row():
        matrix_plot = gr.Plot(label=i18n("poly_matrix"), elem_id="polysemy-matrix")
        curve_plot = gr.Plot(label=i18n("poly_curve"), elem_id="polysemy-curve")
    with gr.Accordion(i18n("poly_export"), open=False):
        gr.Markdown(i18n("poly_export_info"))
        npy = gr.DownloadButton(i18n("poly_download_npy"), value=None, size="sm", elem_id="polysemy-npy")
        coordinates = gr.Dataframe(label=i18n("poly_coords"), interactive=False, wrap=True, elem_id="polysemy-coords")
        csv_button(i18n, coordinates, "bertlens-polysemy-coordinates")

    outputs = [static_plot, contextual_plot, matrix_plot, curve_plot, note, coordinates, npy, layer]
    inputs = [set_key, sentences, target, span, encoder, layer, ctx.model, ctx.lang]
    fn = polysemy_endpoint(ctx.services)
    bounds, bounds_inputs = layer_bounds(ctx.services), [ctx.model, encoder, layer, ctx.lang]
    for trigger in (run.click, target.submit):  # after a run, the slider ends at the encoder's last layer
        ran = ctx.heavy(trigger, fn, inputs, outputs, api_name="polysemy" if trigger == run.click else False)
        ctx.light(ran.then, bounds, bounds_inputs, layer, api_name=False, show_progress="hidden")
    # the slider redraws from the cached study, but an evicted one is fitted again: UMAP, so heavy
    ctx.heavy(layer.release, fn, inputs, outputs, api_name=False, show_progress="hidden")
    for control in (ctx.model, encoder):  # the slider's bounds read the model's configuration
        ctx.light(control.change, bounds, bounds_inputs, layer, api_name=False, show_progress="hidden")

    def relocalize(lang: str, text: str):
        found = set_text_language(text)
        return SETS[found[0]].as_text(lang) if found and found[1] != lang else gr.skip()

    # only a choice replaces the box: opening and closing the menu (an input event) never wipes typed sentences
    set_key.select(set_sentences, [set_key, ctx.lang], [sentences, target], api_name=False, show_progress="hidden")
    sentences.change(own_sentences, [sentences, set_key], custom, api_name=False, show_progress="hidden")
    ctx.lang.change(relocalize, [ctx.lang, sentences], sentences, api_name=False, show_progress="hidden")
    link_inputs = [set_key, custom, target, span, encoder, layer, ctx.model, ctx.lang]
    return TabHandle(fields={"set": set_key, "target": target, "layer": layer, "encoder": encoder, "span": span,
                             "sentences": custom},
                     run=(link_endpoint(ctx.services), link_inputs, [*outputs, sentences, target]), lane="heavy")
