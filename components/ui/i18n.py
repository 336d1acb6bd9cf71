"""The static labels of the UI (component labels, tab names, buttons) in English and 简体中文.

Design decision: there is one table of texts, ``components.core.messages``; the labels Gradio
translates in the browser (``gr.I18n``) are read from it, so a label and an error message are
written, translated and tested the same way. Dynamic text (notes, figures, errors) is rendered on
the server in the session's language (see ``ui.shell``); ``gr.I18n`` follows the browser, and the
language switch in the header changes both.
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import LANGS, all_messages

__all__ = ["make_i18n"]


def make_i18n() -> gr.I18n:
    """gr.I18n over every registered text without placeholders (labels never have any)."""
    tables: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for key, texts in all_messages().items():
        if any("{" in text for text in texts):
            continue
        for lang, text in zip(LANGS, texts):
            tables[lang][key] = text
    # Gradio matches the browser's language: zh-CN, zh-TW and plain zh all get 简体中文.
    return gr.I18n(en=tables["en"], zh=tables["zh"], **{"zh-CN": tables["zh"]})
