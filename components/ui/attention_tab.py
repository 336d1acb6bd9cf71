"""The Attention tab (being built: for now a named /attention endpoint that says so)."""

from __future__ import annotations

import gradio as gr

from components.services import Services
from components.ui.placeholder import build_placeholder_tab

STRINGS: dict[str, dict[str, str]] = {"en": {}, "zh": {}}


def build_attention_tab(services: Services, i18n: gr.I18n, model_box: gr.Dropdown) -> None:
    build_placeholder_tab(i18n, "attention", [gr.Textbox(visible=False), model_box])
