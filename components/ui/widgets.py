"""What every tab builds with: the tab context (services, language, model menu, the model
concurrency group), the sentence-pair inputs, examples, and the CSV download of a table.

Design decision: a tab wires every event that may run a model through ``TabContext.model_event``,
which puts it into the one concurrency group whose limit is ``--concurrency``: Gradio limits
concurrency per event function, so without the group each tab's functions would each run that
many forward passes at once. The test in ``tests/test_concurrency.py`` finds every event whose
function can reach ``Services`` and fails if one is outside the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr

from components.core.models import model_shape
from components.core.numbering import span
from components.core.services import Services
from components.core.text import MAX_CHARS

__all__ = ["MODEL_GROUP", "PAIR_HEADERS", "TabContext", "TabHandle", "clear_on_failure", "csv_button", "examples",
           "is_model_slider", "model_slider", "sentence_pair"]

MODEL_GROUP = "model"


# Builds a CSV from a gr.Dataframe's value in the browser (no server round trip) and downloads it.
CSV_JS = """
(frame) => {
  const rows = [frame.headers, ...frame.data];
  const cell = (v) => { const s = v === null || v === undefined ? '' : String(v);
    return /[",\\n\\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
  const csv = '\\ufeff' + rows.map((r) => r.map(cell).join(',')).join('\\r\\n');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], {type: 'text/csv;charset=utf-8'}));
  link.download = '%s.csv';
  document.body.appendChild(link); link.click(); link.remove();
  return [];
}
"""


@dataclass
class TabHandle:
    """What a tab offers the shell for deep links: query parameter -> component, and the run event."""

    fields: dict[str, gr.components.Component] = field(default_factory=dict)
    run: tuple[Callable, list, list] | None = None


@dataclass
class TabContext:
    """What a tab builder receives."""

    services: Services
    i18n: gr.I18n
    model: gr.Dropdown  # the model menu in the header
    lang: gr.State  # "en" or "zh" for this browser session
    session_classifier: gr.State  # this browser's live-trained classifier directory, or None

    def model_event(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event that may run a model into the one concurrency group; when it fails, what it shows
        is cleared (``clear_on_failure``)."""
        event = trigger(fn, inputs, outputs, concurrency_id=MODEL_GROUP,
                        concurrency_limit=self.services.config.concurrency, **kwargs)
        clear_on_failure(event, outputs)
        return event


# What an event shows (results), as opposed to what a student sets (controls, which an error never touches).
RESULTS = (gr.Plot, gr.Markdown, gr.HTML, gr.Dataframe, gr.Label, gr.HighlightedText, gr.JSON, gr.DownloadButton,
           gr.File, gr.Image)


def clear_on_failure(event, outputs) -> None:
    """After an error, empty every result the event writes: a figure or a note from the previous sentence
    beside an error about this one would be read as this sentence's answer. The error itself still reaches
    the page (a toast) and API clients; controls keep what the student set."""
    outputs = list(outputs) if isinstance(outputs, (list, tuple, set)) else [outputs]
    shown = [o for o in outputs if isinstance(o, RESULTS)]
    if shown:
        event.failure(lambda: [None] * len(shown) if len(shown) > 1 else None, None, shown, api_name=False,
                      show_progress="hidden", queue=False)


def model_slider(kind: str, value: int, default_model: str, **kwargs) -> gr.Slider:
    """A slider over the current model's encoder layers (1..N), heads (1..H) or hidden states (0..N).

    Its range is the model's own: built for the default model, and updated by the shell at load and on
    every model switch (``model_shape``: no weights are read); ``slider.bertlens_kind`` marks it. Gradio's
    own bound check would answer an out-of-range value from the API with an English error: this slider
    passes the number on, and the handler brings it into range with a notice in the student's language
    (``core.numbering.clamp``). (An instance attribute, not a subclass: Gradio writes a .pyi stub beside
    every module that subclasses a component.)"""
    first, last = span(kind, model_shape(default_model))
    slider = gr.Slider(first, last, value=min(max(value, first), last), step=1, **kwargs)
    slider.bertlens_kind = kind
    slider.preprocess = lambda payload: None if payload is None else float(payload)
    return slider


def is_model_slider(block) -> bool:
    return isinstance(block, gr.Slider) and hasattr(block, "bertlens_kind")


PAIR_HEADERS = ["A", "B"]


def sentence_pair(i18n: gr.I18n, value: str, elem_prefix: str) -> tuple[gr.Textbox, gr.Textbox]:
    """Sentence A and the optional sentence B, side by side, capped at what analysis accepts."""
    with gr.Row():
        text = gr.Textbox(label=i18n("sentence_a"), value=value, lines=2, max_length=MAX_CHARS,
                          elem_id=f"{elem_prefix}-text")
        pair = gr.Textbox(label=i18n("sentence_b"), lines=2, max_length=MAX_CHARS, elem_id=f"{elem_prefix}-pair")
    return text, pair


def examples(rows: list[list], inputs: list, i18n: gr.I18n, headers: list[str] | None = None,
             **kwargs) -> gr.Examples:
    """gr.Examples with a translated title and language-neutral column headers.

    The browser does not translate a Dataset's headers (Gradio fills them with the label's
    serialised key), so they are short marks that read in both languages ("A", "B") or nothing.
    """
    block = gr.Examples(rows, inputs=inputs, label=i18n("examples"), **kwargs)
    block.dataset.headers = headers or [""] * len(inputs)
    return block


def csv_button(i18n: gr.I18n, frame: gr.Dataframe, name: str) -> gr.Button:
    """A button that downloads the table as CSV (UTF-8 with BOM, so Excel reads Chinese)."""
    button = gr.Button(i18n("download_csv"), size="sm", elem_classes=["bl-download"])
    button.click(None, [frame], None, js=CSV_JS % name)
    return button
