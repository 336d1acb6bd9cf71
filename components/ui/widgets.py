"""What every tab builds with: the tab context (services, language, model menu, the lanes), the
sentence-pair inputs, examples, and the CSV download of a table.

Design decision: a tab wires every event that may run a model through ``ctx.light`` (one forward
and a figure) or ``ctx.heavy`` (seconds of work: it shows its place in the queue and a progress
bar), which put it into that lane's concurrency group (``components/core/lanes.py``): Gradio limits
concurrency per event function, so without the groups each tab's functions would each run that
many models at once, and with one group a Predict would wait behind another student's Explain.
``model_event`` is the light lane under its older name. ``tests/test_concurrency.py`` finds every
event whose function can reach ``Services`` and fails if one is outside a lane.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr

from components.core.services import Services
from components.core.text import MAX_CHARS

__all__ = ["PAIR_HEADERS", "TabContext", "TabHandle", "csv_button", "examples", "sentence_pair"]


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
    """What a tab offers the shell for deep links: query parameter -> component, the run event and its lane."""

    fields: dict[str, gr.components.Component] = field(default_factory=dict)
    run: tuple[Callable, list, list] | None = None
    lane: str = "light"  # "light" or "heavy": where the deep link's run goes


@dataclass
class TabContext:
    """What a tab builder receives."""

    services: Services
    i18n: gr.I18n
    model: gr.Dropdown  # the model menu in the header
    lang: gr.State  # "en" or "zh" for this browser session
    session_classifier: gr.State  # this browser's live-trained classifier directory, or None

    def light(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event of one forward and a figure into the light lane: it computes holding one of the
        lane's worker permits and waits only behind other light requests."""
        if inspect.isgeneratorfunction(fn):
            raise TypeError("a light event computes once; a generator belongs in the heavy lane")
        lane = self.services.budget.light
        return trigger(self.services.light_permits.wrap(fn), inputs, outputs, concurrency_id=lane.name,
                       concurrency_limit=lane.slots, **kwargs)

    model_event = light  # the name events were wired with before the lanes (a new lesson may still use it)

    def heavy(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event of seconds of work into the heavy lane: each slot a worker; the student sees their
        place in the queue and the function's ``gr.Progress``."""
        lane = self.services.budget.heavy
        return trigger(fn, inputs, outputs, concurrency_id=lane.name, concurrency_limit=lane.slots, **kwargs)

    def training(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire the live training run into its own group of one (it trains in a child process at nice 10)."""
        lane = self.services.budget.training
        return trigger(fn, inputs, outputs, concurrency_id=lane.name, concurrency_limit=lane.slots, **kwargs)

    def event(self, lane: str, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """``light`` or ``heavy`` by name (the shell wires deep links into the lane their tab names)."""
        return {"light": self.light, "heavy": self.heavy}[lane](trigger, fn, inputs, outputs, **kwargs)


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
