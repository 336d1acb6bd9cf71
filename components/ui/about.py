"""The About tab: what each lesson shows, where the text goes, which models are here."""

from __future__ import annotations

import gradio as gr

from components.core.messages import Msg, render
from components.core.models import PRESETS, can_fill_in, model_status


def models_markdown(models: tuple[str, ...], lang: str = "en") -> str:
    head = [render(Msg(k), lang) for k in ("about_col_name", "about_col_status", "about_col_what")]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|"]
    for name in models:
        preset = PRESETS.get(name)
        status = render(model_status(name), lang)
        if can_fill_in(name):
            status += render(Msg("about_status_and"), lang) + render(Msg("model_can_fill"), lang)
        what = render(Msg(preset.description if preset else "about_custom"), lang)
        lines.append(f"| `{name}` | {status} | {what} |")
    return "\n".join(lines)


def build(ctx) -> gr.Markdown:
    """The About tab's content; returns the models table, which the shell renders per language."""
    gr.Markdown(ctx.i18n("about_md"))
    gr.Markdown(ctx.i18n("about_models"))
    return gr.Markdown(models_markdown(ctx.services.config.models), elem_id="about-models")
