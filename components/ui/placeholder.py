"""Tabs whose views are still being built: a named endpoint that says so clearly."""

from __future__ import annotations

import gradio as gr


def build_placeholder_tab(i18n: gr.I18n, api_name: str, inputs: list) -> None:
    out = gr.Markdown(i18n("not_built"))
    button = gr.Button(i18n("not_built"), visible=False)

    def not_built(*_args) -> str:
        return f"The /{api_name} view is not built yet."

    button.click(not_built, inputs, out, api_name=api_name)
