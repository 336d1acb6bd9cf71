"""English and Simplified Chinese UI strings, merged from the tab modules into one gr.I18n.

Each tab module owns a ``STRINGS = {"en": {...}, "zh": {...}}`` table for its own keys, so
tabs can be written independently; ``make_i18n`` merges them and checks that every key has
both languages (a missing Chinese label is a bug, not a fallback).
"""

from __future__ import annotations

import gradio as gr

SHELL = {
    "en": {
        "title": "BERT Lens",
        "subtitle": "See how BERT reads: its predictions, its attention, its embeddings, its input.",
        "model": "Model",
        "model_info": "Base encoder for Attention, Tokens and Polysemy. '(needs download)' models work once fetched.",
        "projector": "Projector mode (large text, high contrast)",
        "tab_predict": "Predict",
        "tab_attention": "Attention",
        "tab_tokens": "Tokens",
        "tab_polysemy": "Polysemy",
        "tab_about": "About",
        "examples": "Examples",
    },
    "zh": {
        "title": "BERT 透镜",
        "subtitle": "看看 BERT 如何阅读：它的预测、注意力、词向量和输入表示。",
        "model": "模型",
        "model_info": "注意力、词元和多义词标签页使用的基础编码器。标有“(needs download)”的模型需先下载。",
        "projector": "投影模式（大字体、高对比度）",
        "tab_predict": "预测",
        "tab_attention": "注意力",
        "tab_tokens": "词元",
        "tab_polysemy": "多义词",
        "tab_about": "关于",
        "examples": "示例",
    },
}


def make_i18n(*tables: dict[str, dict[str, str]]) -> gr.I18n:
    merged: dict[str, dict[str, str]] = {"en": {}, "zh": {}}
    for table in (SHELL, *tables):
        missing = set(table["en"]) ^ set(table["zh"])
        if missing:
            raise ValueError(f"UI strings missing a translation: {sorted(missing)}")
        for lang in merged:
            merged[lang].update(table[lang])
    # Gradio matches the browser's language: zh-CN, zh-TW and plain zh all get 简体中文.
    return gr.I18n(en=merged["en"], zh=merged["zh"], **{"zh-CN": merged["zh"]})


def examples(rows: list[list], inputs: list, i18n: gr.I18n, **kwargs) -> gr.Examples:
    """gr.Examples with a translated title and column headers that read in both languages.

    Gradio fills a Dataset's headers with ``str(label)``, which for a translated label is its
    serialised key; the headers are not translated by the browser, so both languages are shown.
    """
    block = gr.Examples(rows, inputs=inputs, label=i18n("examples"), **kwargs)
    table = i18n.translations_dict
    headers = []
    for component in inputs:
        key = getattr(component.label, "key", None)
        headers.append(f"{table['en'][key]} · {table['zh'][key]}" if key else str(component.label or ""))
    block.dataset.headers = headers
    return block
