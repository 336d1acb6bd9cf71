"""Sliders that answer out-of-range numbers in the student's language, and sliders over the model's layers.

Gradio checks a slider's value against its range before any handler runs and answers an out-of-range
number from the API or a link with its own English error (``Value 9 is greater than maximum value 6.``).
``Slider`` brings such a number into its range instead; ``ModelSlider`` (layers 1..N, heads 1..H or hidden
states 0..N of the model in the menu) passes it on, so that the handler can bring it into the model's range
with a notice (``core.numbering.clamp``).

Design decision: these are classes, not per-instance overrides, because Gradio rebuilds a component from
its class for the session whenever an event updates its properties (a model switch sets a new maximum), and
an instance's override would be lost there. Gradio writes a ``.pyi`` stub beside every module that defines a
component class (for type checkers of published custom components); ``_no_stub`` keeps that generated file
out of the source tree.
"""

from __future__ import annotations

from contextlib import contextmanager

import gradio as gr
import gradio.component_meta

from components.core.models import model_shape
from components.core.numbering import span

__all__ = ["ModelSlider", "Slider", "is_model_slider", "model_slider"]


@contextmanager
def _no_stub():
    write = gradio.component_meta.create_or_modify_pyi
    gradio.component_meta.create_or_modify_pyi = lambda *args, **kwargs: None
    try:
        yield
    finally:
        gradio.component_meta.create_or_modify_pyi = write


with _no_stub():
    class Slider(gr.Slider):
        """gr.Slider that brings a number from the API or a link into its range."""

        is_template = True  # drawn by Gradio's own slider

        def preprocess(self, payload: float | None) -> float | None:
            if payload is None:
                return None
            return super().preprocess(min(max(float(payload), self.minimum), self.maximum))

    class ModelSlider(gr.Slider):
        """A slider over the menu model's layers, heads or hidden states (``kind``, set by ``model_slider``);
        its range follows the model (the shell sets it at load and on every switch, from ``model_shape``: no
        weights are read). No __init__ of its own: Gradio sends the page the properties its initializer names."""

        is_template = True

        def preprocess(self, payload: float | None) -> float | None:
            return None if payload is None else float(payload)  # the handler clamps, with a notice


def model_slider(kind: str, value: int, default_model: str, **kwargs) -> ModelSlider:
    """Layers (1..N), heads (1..H) or hidden states (0..N) of the model in the menu, built for the default one."""
    first, last = span(kind, model_shape(default_model))
    slider = ModelSlider(first, last, value=min(max(value, first), last), step=1, **kwargs)
    slider.kind = kind
    return slider


def is_model_slider(block) -> bool:
    return isinstance(block, ModelSlider)
