"""The Predict tab (being built: for now a named /predict endpoint that says so)."""

from __future__ import annotations

import gradio as gr

from components.services import Services
from components.ui.placeholder import build_placeholder_tab

STRINGS: dict[str, dict[str, str]] = {"en": {}, "zh": {}}


def build_predict_tab(services: Services, i18n: gr.I18n) -> None:
    build_placeholder_tab(i18n, "predict", [gr.Textbox(visible=False)])
