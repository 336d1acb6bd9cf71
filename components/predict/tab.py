"""The Predict tab: every label's probability from the fine-tuned multi-label classifier, and, with
compare on, a second sentence beside the first (a minimal pair) and the change of every label.

A browser that trained its own classifier in the Fine-tuning tab predicts with it (its
``session_classifier`` state); every other browser keeps the shipped one.

Design decision: ``/predict`` keeps its inputs and outputs (scripts and tests call it for one sentence);
the comparison is its own endpoint, ``/predict_compare`` (first sentence, second sentence, mode,
threshold -> figure, note), chained after ``/predict`` in the page so it runs only when the first
sentence succeeded. Pressing Enter in the second box runs both; the box is shown only in compare mode.
"""

from __future__ import annotations

import gradio as gr

from components.core.classifier import known_language
from components.core.messages import UserError
from components.core.minimal_pairs import pairs_for
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.predict.compute import compare, predict
from components.predict.view import comparison_outputs, metrics_markdown, prediction_outputs
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider
from components.ui.widgets import (
    TabContext,
    TabHandle,
    compare_sentence,
    examples,
    pair_examples,
    run_then_compare,
    when_on,
)

TAB_ID = "predict"
TITLE = "tab_predict"
TUNED, GLOBAL = "tuned", "global"

EXAMPLES = [
    "Wow, I can't believe we won! Thank you all!",
    "Haha that's hilarious, thanks for sharing!",
    "I'm worried the bus won't come and I'll miss my exam.",
    "Wait, how does a tiny seed grow into such a tall tree?",
    "Sorry I forgot your birthday, that was thoughtless of me.",
    "The movie was long, and honestly I didn't understand the ending.",
]


def _threshold(mode: str, threshold: float) -> float | None:
    return threshold if mode == GLOBAL else None


def predict_endpoint(services: Services):
    @user_errors
    def run(text: str, mode: str, threshold: float, lang: str = "en", own: str | None = None):
        classifier = services.classifier(own)
        pred = predict(classifier, services.reading(classifier, text), _threshold(mode, threshold))
        show_warnings(pred.warnings, lang)
        return prediction_outputs(pred, classifier, lang, bool(own), text)

    return run


def compare_endpoint(services: Services):
    @user_errors
    def run_compare(text: str, second_text: str, mode: str, threshold: float, lang: str = "en",
                    own: str | None = None):
        if not (second_text or "").strip():
            raise UserError("pred_compare_empty")
        classifier = services.classifier(own)
        first = predict(classifier, services.reading(classifier, text), _threshold(mode, threshold))
        second = predict(classifier, services.reading(classifier, second_text), _threshold(mode, threshold))
        show_warnings(second.warnings, lang)
        return comparison_outputs(compare(first, second), classifier, lang, text)

    return run_compare


def card_endpoint(services: Services):
    @user_errors
    def show_card(lang: str = "en", own: str | None = None) -> str:
        return metrics_markdown(services.classifier(own), lang)

    return show_card


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("pred_intro"))
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label=i18n("pred_text"), value=EXAMPLES[0], lines=3, max_length=MAX_CHARS,
                              elem_id="predict-text")
            on, second = compare_sentence(i18n, "predict")
            with gr.Row():
                mode = gr.Radio([(i18n("pred_mode_tuned"), TUNED), (i18n("pred_mode_global"), GLOBAL)], value=TUNED,
                                label=i18n("pred_mode"), elem_id="predict-mode")
                threshold = Slider(0.05, 0.95, value=0.5, step=0.05, label=i18n("pred_threshold"),
                                      info=i18n("pred_threshold_info"), interactive=False, elem_id="predict-threshold")
            run = gr.Button(i18n("pred_run"), variant="primary", elem_id="predict-run")
            examples([[e] for e in EXAMPLES], [text], i18n)
            pairs = pairs_for(known_language(ctx.services.config.classifier))
            pair_examples(pairs, text, second, on, i18n, "predict-pairs")
        with gr.Column(scale=2):
            chosen = gr.Markdown(label=i18n("pred_set"), elem_id="predict-chosen")
            top = gr.Label(label=i18n("pred_top"), num_top_classes=5, elem_id="predict-top")
    plot = gr.Plot(label=i18n("pred_plot"), elem_id="predict-plot")
    with gr.Column(visible=False) as compared:
        gr.Markdown(i18n("pred_cmp_section"))
        compare_note = gr.Markdown(elem_id="predict-compare-note")
        compare_plot = gr.Plot(label=i18n("pred_cmp_title"), elem_id="predict-compare-plot")
    with gr.Accordion(i18n("pred_card"), open=False) as card_box:
        card = gr.Markdown()
    mode.change(lambda m: gr.update(interactive=m == GLOBAL), mode, threshold, queue=False, api_name=False,
                show_progress="hidden")
    on.change(lambda shown: gr.update(visible=bool(shown)), on, compared, queue=False, api_name=False,
              show_progress="hidden")

    fn, run_compare = predict_endpoint(ctx.services), compare_endpoint(ctx.services)
    inputs, outputs = [text, mode, threshold, ctx.lang, ctx.session_classifier], [plot, chosen, top]
    compare_inputs, compare_outputs = [text, second, mode, threshold, ctx.lang, ctx.session_classifier], \
        [compare_plot, compare_note]

    def wire(trigger, **kwargs):
        run_then_compare(ctx, trigger, fn, inputs, outputs, run_compare, compare_inputs, compare_outputs, on, **kwargs)

    wire(run.click, api_name="predict")
    wire(text.submit, api_name=False)
    wire(second.submit, api_name=False, compare_api_name="predict_compare")
    for control in (mode, threshold):
        wire(control.change, api_name=False, show_progress="hidden")
    ctx.light(card_box.expand, card_endpoint(ctx.services), [ctx.lang, ctx.session_classifier], card,
              api_name=False)

    gated = when_on(run_compare, len(compare_outputs))

    def linked(on_value, first, second_text, mode_value, threshold_value, lang, own):
        """A deep link runs both: the first sentence, then the comparison when the link turns it on."""
        return (*fn(first, mode_value, threshold_value, lang, own),
                *gated(on_value, first, second_text, mode_value, threshold_value, lang, own))

    return TabHandle(fields={"text": text, "mode": mode, "threshold": threshold, "compare": on, "compare_text": second},
                     run=(linked, [on, *compare_inputs], outputs + compare_outputs))
