"""The Predict tab: every label's probability from the fine-tuned multi-label classifier."""

from __future__ import annotations

import html

import gradio as gr
import plotly.graph_objects as go

from components.core.analysis import MAX_CHARS, analyze
from components.core.figures import label_scores_figure
from components.core.services import Services
from components.predict.compute import Prediction, predict
from components.ui.errors import show_warnings, user_errors
from components.ui.i18n import examples

TUNED, GLOBAL = "tuned", "global"

STRINGS = {
    "en": {
        "predict_intro": "A BERT fine-tuned on 28 emotions scores **every label on its own** (a sigmoid per "
                         "label), so a sentence can be both *joy* and *gratitude*. A label is predicted when "
                         "its bar passes its threshold mark.",
        "predict_text": "Text",
        "predict_run": "Predict",
        "predict_mode": "Thresholds",
        "predict_mode_tuned": "per label (tuned on the dev split)",
        "predict_mode_global": "one global threshold",
        "predict_threshold": "Global threshold",
        "predict_plot": "Probability of every label",
        "predict_set": "Predicted labels",
        "predict_top": "Top labels",
        "predict_card": "About this classifier",
    },
    "zh": {
        "predict_intro": "一个在 28 种情绪上微调的 BERT 为**每个标签单独**打分（每个标签一个 sigmoid），"
                         "所以一句话可以同时是“喜悦”和“感激”。当某个标签的概率条超过它的阈值标记时，就预测该标签。",
        "predict_text": "文本",
        "predict_run": "预测",
        "predict_mode": "阈值",
        "predict_mode_tuned": "每个标签各自的阈值（在验证集上调优）",
        "predict_mode_global": "统一的全局阈值",
        "predict_threshold": "全局阈值",
        "predict_plot": "每个标签的概率",
        "predict_set": "预测的标签",
        "predict_top": "得分最高的标签",
        "predict_card": "关于这个分类器",
    },
}

EXAMPLES = [
    "Wow, I can't believe we won! Thank you all!",
    "Haha that's hilarious, thanks for sharing!",
    "I'm worried the bus won't come and I'll miss my exam.",
    "Wait, how does a tiny seed grow into such a tall tree?",
    "Sorry I forgot your birthday, that was thoughtless of me.",
    "The movie was long, and honestly I didn't understand the ending.",
    "谢谢你帮我复习，我终于考过了！",
]


def predicted_markdown(pred: Prediction) -> str:
    if not pred.understood:
        return ("⚠️ **Not predicted:** most of this text is [UNK] for this classifier, so it cannot read it. "
                "The bars below are what it guesses from almost nothing; do not trust them.")
    chosen = [f"**{html.escape(label)}** ({p:.2f})" for label, p, c in pred.ranked() if c]
    kind = "multi-label" if pred.multi_label else "single-label (softmax: exactly one label)"
    return (", ".join(chosen) if chosen else "No label passes its threshold.") + f"\n\n*{kind}*"


def metrics_markdown(classifier) -> str:
    test = classifier.metrics.get("test") or {}
    lines = []
    if test:
        lines.append("| split | macro-F1 | micro-F1 | macro precision | macro recall |")
        lines.append("|---|---|---|---|---|")
        for split in ("dev", "test"):
            m = classifier.metrics.get(split)
            if m:
                lines.append(f"| {split} | {m['macro_f1']:.3f} | {m['micro_f1']:.3f} | "
                             f"{m['macro_precision']:.3f} | {m['macro_recall']:.3f} |")
        lines.append("\nPublished BERT-base on the same test split: macro-F1 0.46 (GoEmotions paper), "
                     "0.49 (2026 re-run with class weights).\n")
    return "\n".join(lines) + "\n" + classifier.card


def predict_endpoint(services: Services):
    @user_errors
    def run(text: str, mode: str, threshold: float) -> tuple[go.Figure, str, dict]:
        classifier = services.classifier()
        pred = predict(classifier, analyze(classifier.model, text), threshold if mode == GLOBAL else None)
        show_warnings(pred.warnings)
        title = "Probability per label" + ("" if pred.understood else " (text not understood: mostly [UNK])")
        fig = label_scores_figure(pred.labels, pred.probs, pred.thresholds, pred.chosen, title)
        top = {label: p for label, p, _c in pred.ranked()[:5]}
        return fig, predicted_markdown(pred), top

    return run


def build_predict_tab(services: Services, i18n: gr.I18n) -> None:
    gr.Markdown(i18n("predict_intro"))
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label=i18n("predict_text"), value=EXAMPLES[0], lines=3, max_length=MAX_CHARS)
            with gr.Row():
                mode = gr.Radio([(i18n("predict_mode_tuned"), TUNED), (i18n("predict_mode_global"), GLOBAL)],
                                value=TUNED, label=i18n("predict_mode"))
                threshold = gr.Slider(0.05, 0.95, value=0.5, step=0.05, label=i18n("predict_threshold"))
            run = gr.Button(i18n("predict_run"), variant="primary")
            examples([[e] for e in EXAMPLES], [text], i18n)
        with gr.Column(scale=2):
            chosen = gr.Markdown(label=i18n("predict_set"))
            top = gr.Label(label=i18n("predict_top"), num_top_classes=5)
    plot = gr.Plot(label=i18n("predict_plot"))
    with gr.Accordion(i18n("predict_card"), open=False) as card_box:
        card = gr.Markdown()
    fn = predict_endpoint(services)
    outputs = [plot, chosen, top]
    run.click(fn, [text, mode, threshold], outputs, api_name="predict")
    text.submit(fn, [text, mode, threshold], outputs, api_name=False)
    for control in (mode, threshold):
        control.change(fn, [text, mode, threshold], outputs, api_name=False, show_progress="hidden")

    @user_errors
    def show_card() -> str:
        return metrics_markdown(services.classifier())

    card_box.expand(show_card, None, card, api_name=False)
