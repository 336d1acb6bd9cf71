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

from components.core.analysis import is_chinese
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.ui.errors import clear_on_error

__all__ = ["MODEL_GROUP", "PAIR_HEADERS", "TabContext", "TabHandle", "compare_sentence", "csv_button", "examples",
           "pair_examples", "run_then_compare", "sentence_pair", "when_on"]

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

    def readable(self, rows: list) -> list:
        """The built-in examples a model here can read: Chinese ones only when a Chinese model is on this
        machine (until then they would only fail, and the message would be for the teacher, not the class)."""
        if self.services.chinese_here():
            return list(rows)
        return [row for row in rows if not any(is_chinese(str(cell)) for cell in _cells(row))]

    def model_event(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event that may run a model into the one concurrency group; when it fails, what it shows
        is cleared (``errors.clear_on_error``)."""
        event = trigger(fn, inputs, outputs, concurrency_id=MODEL_GROUP,
                        concurrency_limit=self.services.config.concurrency, **kwargs)
        clear_on_error(event, outputs)
        return event


def _cells(row) -> list:
    if isinstance(row, (list, tuple)):
        return list(row)
    return [getattr(row, "first", row), getattr(row, "second", "")]


PAIR_HEADERS = ["A", "B"]


def sentence_pair(i18n: gr.I18n, value: str, elem_prefix: str) -> tuple[gr.Textbox, gr.Textbox]:
    """Sentence A and the optional sentence B, side by side, capped at what analysis accepts."""
    with gr.Row():
        text = gr.Textbox(label=i18n("sentence_a"), value=value, lines=2, max_length=MAX_CHARS,
                          elem_id=f"{elem_prefix}-text")
        pair = gr.Textbox(label=i18n("sentence_b"), lines=2, max_length=MAX_CHARS, elem_id=f"{elem_prefix}-pair")
    return text, pair


def compare_sentence(i18n: gr.I18n, elem_prefix: str, info: str | None = None) -> tuple[gr.Checkbox, gr.Textbox]:
    """The compare mode's switch (off by default) and the second-sentence box it reveals (minimal pairs)."""
    on = gr.Checkbox(value=False, label=i18n("compare_on"), info=info, elem_id=f"{elem_prefix}-compare")
    second = gr.Textbox(label=i18n("compare_text"), lines=2, max_length=MAX_CHARS, visible=False,
                        elem_id=f"{elem_prefix}-compare-text")
    on.change(lambda shown: gr.update(visible=bool(shown)), on, second, queue=False, api_name=False,
              show_progress="hidden")
    return on, second


def pair_examples(pairs, text: gr.Textbox, second: gr.Textbox, on: gr.Checkbox, i18n: gr.I18n, elem_id: str,
                  clear: list[gr.Textbox] = ()) -> gr.Examples:
    """Built-in minimal pairs (``components.core.minimal_pairs``): a click fills both boxes, turns compare on
    and empties ``clear`` (Attention's sentence B: a minimal pair compares two single sentences)."""
    block = gr.Examples([[pair.first, pair.second] for pair in pairs], inputs=[text, second],
                        label=i18n("compare_examples"), elem_id=elem_id)
    block.dataset.headers = ["1", "2"]
    block.load_input_event.then(lambda: (True, *[""] * len(clear)), None, [on, *clear], queue=False, api_name=False,
                                show_progress="hidden")
    return block


def when_on(run_compare: Callable, n_outputs: int) -> Callable:
    """The comparison as the page runs it: its outputs emptied while compare is off."""
    def compare_if_on(on: bool, *args):
        return run_compare(*args) if on else (None,) * n_outputs

    return compare_if_on


def run_then_compare(ctx: TabContext, trigger: Callable, run: Callable, inputs: list, outputs: list,
                     compare: Callable, compare_inputs: list, compare_outputs: list, on: gr.Checkbox, *,
                     display: list | None = None, compare_api_name: str | None = None, **kwargs) -> None:
    """``run`` on ``trigger``, then, if it succeeded, the comparison; a failure empties what it would have shown.

    ``display`` are the outputs that show progress and are emptied on a failure (default: all; a control
    among the outputs keeps its value and never turns into an error badge). With ``compare_api_name`` the
    trigger exists only in compare mode (Enter in the second box), so the comparison runs unconditionally as
    that named endpoint; otherwise it runs only while ``on`` is ticked."""
    display = outputs if display is None else display
    first = ctx.model_event(trigger, run, inputs, outputs, show_progress_on=display, **kwargs)
    clear_on_error(first, compare_outputs)  # its own outputs are emptied by model_event
    kwargs.pop("api_name", None)
    if compare_api_name:
        ctx.model_event(first.success, compare, compare_inputs, compare_outputs, api_name=compare_api_name,
                               **kwargs)
    else:
        ctx.model_event(first.success, when_on(compare, len(compare_outputs)), [on, *compare_inputs],
                               compare_outputs, api_name=False, **kwargs)


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
