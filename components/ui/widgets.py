"""Input widgets more than one tab uses, so they look, read and limit the same everywhere."""

from __future__ import annotations

import gradio as gr

from components.core.analysis import MAX_CHARS

STRINGS = {
    "en": {"sentence_a": "Sentence A", "sentence_b": "Sentence B (optional: makes a sentence pair)"},
    "zh": {"sentence_a": "句子 A", "sentence_b": "句子 B（可选：组成句子对）"},
}


def sentence_pair(i18n: gr.I18n, value: str) -> tuple[gr.Textbox, gr.Textbox]:
    """Sentence A and the optional sentence B, side by side, capped at what analysis accepts."""
    with gr.Row():
        text = gr.Textbox(label=i18n("sentence_a"), value=value, lines=2, max_length=MAX_CHARS)
        pair = gr.Textbox(label=i18n("sentence_b"), lines=2, max_length=MAX_CHARS)
    return text, pair
