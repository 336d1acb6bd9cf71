"""The Predict tab: every label's probability from the fine-tuned multi-label classifier.

A browser that trained its own classifier in the Fine-tuning tab predicts with it (its
``session_classifier`` state); every other browser keeps the shipped one.
"""

from __future__ import annotations

import gradio as gr

from components.core.classifier import Classifier, label_text
from components.core.messages import t
from components.core.services import Services
from components.core.text import MAX_CHARS, escape
from components.predict.compute import Prediction, predict_text
from components.predict.figures import label_scores_figure
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import TabContext, TabHandle, examples

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


def predicted_markdown(pred: Prediction, classifier: Classifier, lang: str, own: bool) -> str:
    if not pred.understood:
        return t("pred_not_understood", lang)
    chosen = [f"**{escape(label_text(label, lang), markdown=True)}** ({p:.2f})" for label, p, c in pred.ranked() if c]
    kind = t({"sigmoid": "pred_kind_multi", "softmax": "pred_kind_single", "none": "pred_kind_none"}[pred.activation],
             lang)
    lines = [", ".join(chosen) if chosen else t("pred_none_passes", lang), f"*{kind}*",
             t("pred_read", lang, n=pred.n_tokens, limit=classifier.max_length)]
    if own:
        lines.append(t("pred_session", lang))
    return "\n\n".join(lines)


def metrics_markdown(classifier: Classifier, lang: str) -> str:
    lines = []
    if classifier.metrics.get("test"):
        lines += [t("pred_metrics_header", lang), "|---|---|---|---|---|"]
        for split, split_key in (("dev", "pred_split_dev"), ("test", "pred_split_test")):
            m = classifier.metrics.get(split)
            if m:
                lines.append(f"| {t(split_key, lang)} | {m['macro_f1']:.3f} | {m['micro_f1']:.3f} | "
                             f"{m['macro_precision']:.3f} | {m['macro_recall']:.3f} |")
        lines.append("\n" + t("pred_published", lang) + "\n")
    if lang == "en":
        lines.append(classifier.card if classifier.info else escape(classifier.card, markdown=True))
    elif classifier.card:
        lines.append(t("pred_card_en_only", lang))
    return "\n".join(lines)


def predict_endpoint(services: Services):
    @user_errors
    def run(text: str, mode: str, threshold: float, lang: str = "en", own: str | None = None):
        classifier = services.classifier(own)
        pred = predict_text(classifier, text, threshold if mode == GLOBAL else None)
        show_warnings(pred.warnings, lang)
        top = {label_text(label, lang): p for label, p, _c in pred.ranked()[:5]}
        return label_scores_figure(pred, lang, text), predicted_markdown(pred, classifier, lang, bool(own)), top

    return run


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
            with gr.Row():
                mode = gr.Radio([(i18n("pred_mode_tuned"), TUNED), (i18n("pred_mode_global"), GLOBAL)], value=TUNED,
                                label=i18n("pred_mode"))
                threshold = gr.Slider(0.05, 0.95, value=0.5, step=0.05, label=i18n("pred_threshold"))
            run = gr.Button(i18n("pred_run"), variant="primary")
            examples([[e] for e in EXAMPLES], [text], i18n)
        with gr.Column(scale=2):
            chosen = gr.Markdown(label=i18n("pred_set"))
            top = gr.Label(label=i18n("pred_top"), num_top_classes=5)
    plot = gr.Plot(label=i18n("pred_plot"), elem_id="predict-plot")
    with gr.Accordion(i18n("pred_card"), open=False) as card_box:
        card = gr.Markdown()
    fn = predict_endpoint(ctx.services)
    inputs, outputs = [text, mode, threshold, ctx.lang, ctx.session_classifier], [plot, chosen, top]
    ctx.light(run.click, fn, inputs, outputs, api_name="predict")
    ctx.light(text.submit, fn, inputs, outputs, api_name=False)
    for control in (mode, threshold):
        ctx.light(control.change, fn, inputs, outputs, api_name=False, show_progress="hidden")
    ctx.light(card_box.expand, card_endpoint(ctx.services), [ctx.lang, ctx.session_classifier], card,
                    api_name=False)
    return TabHandle(fields={"text": text, "mode": mode, "threshold": threshold}, run=(fn, inputs, outputs))
