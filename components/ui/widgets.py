"""What every tab builds with: the tab context (services, language, model menu, the lanes), the
sentence-pair inputs, examples, and the CSV download of a table.

Design decision: a tab wires every event that may run a model through ``ctx.light`` (one forward
and a figure) or ``ctx.heavy`` (seconds of work: it shows its place in the queue and a progress
bar), which put it into that lane's concurrency group (``components/core/lanes.py``): Gradio limits
concurrency per event function, so without the groups each tab's functions would each run that
many models at once, and with one group a Predict would wait behind another student's Explain.
``tests/test_concurrency.py`` finds every event whose function can reach ``Services`` and fails if
one is outside a lane.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr

from components.core.analysis import is_chinese
from components.core.latest import Latest
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.ui.errors import clear_on_error, split_outputs

__all__ = ["PAIR_HEADERS", "TabContext", "TabHandle", "compare_sentence", "csv_button", "examples", "pair_examples",
           "run_then_compare", "sentence_pair", "when_on"]


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


def progress_on_results(outputs, kwargs: dict) -> dict:
    """``kwargs`` with ``show_progress_on`` the event's results when its outputs also hold a control (a menu, a
    slider, a grid of checkboxes) or a state: Gradio shows progress, and on a failure an "Error" badge, on every
    output unless told otherwise, and a control that turns into a badge is no longer a control. An event that
    names its own ``show_progress_on`` keeps it."""
    listed, results = split_outputs(outputs)
    if "show_progress_on" in kwargs or not results or len(results) == len(listed):
        return kwargs
    return {**kwargs, "show_progress_on": results}


_LATEST = Latest()


def from_page(request) -> bool | None:
    """True for a request the app's page sent, False for a script's or an MCP agent's (gradio_client and Gradio's
    MCP server say who they are in ``x-gradio-user``), None when the request does not say."""
    headers = getattr(request, "headers", None)
    who = headers.get("x-gradio-user") if headers is not None else None
    return None if who is None else who == "app"


def newest_wins(fn: Callable, outputs) -> Callable:
    """``fn`` whose answer is dropped (every output left as it is) when a request of the same view from the same
    browser session started after it and was already shown (``components/core/latest.py``). The view is the
    event's first result (its figure): Run and a slider's redraw of the same figure share it. An older request's
    error after a newer answer is dropped too: it is about a sentence no longer on screen.

    Only the page's own requests are ordered this way (Gradio's page sends ``x-gradio-user: app``): a script's
    or an MCP agent's calls share one session for many independent questions (Gradio's MCP server sends every
    tool call through one client), and each of those must get its own answer. A newer request that fails is
    what the screen shows (its toast, its emptied outputs), so an older answer after it is dropped too.

    Gradio hands the request to the wrapper through a leading ``gr.Request`` parameter added to ``fn``'s own
    signature (the special arguments ``fn`` declares, ``gr.Progress`` among them, keep their places)."""
    _, results = split_outputs(outputs)
    if not results or inspect.isgeneratorfunction(fn):
        return fn
    view = results[0]._id

    @functools.wraps(fn)
    def newest(*args):
        request, rest = (args[0], args[1:]) if args and isinstance(args[0], gr.Request) else (None, args)
        session = getattr(request, "session_hash", None)
        if session is None or from_page(request) is False:
            return fn(*rest)
        key = (session, view)
        ticket = _LATEST.begin()
        try:
            answer = fn(*rest)
        except Exception:
            if _LATEST.shown(key, ticket):  # the newest so far: its error is what the screen shows
                raise
            return gr.skip()  # one skip stands for every output (a list of them would be one output's value)
        return answer if _LATEST.shown(key, ticket) else gr.skip()

    signature = inspect.signature(fn)
    first = inspect.Parameter("_bl_request", inspect.Parameter.POSITIONAL_ONLY, annotation=gr.Request)
    newest.__signature__ = signature.replace(parameters=[first, *signature.parameters.values()])
    newest.__annotations__ = {"_bl_request": gr.Request, **getattr(fn, "__annotations__", {})}
    return newest


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

    def readable(self, rows: list) -> list:
        """The built-in examples a model here can read: Chinese ones only when a Chinese model is on this
        machine (until then they would only fail, and the message would be for the teacher, not the class)."""
        if self.services.chinese_here():
            return list(rows)
        return [row for row in rows if not any(is_chinese(str(cell)) for cell in _cells(row))]

    def light(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event of one forward and a figure into the light lane: it computes holding one of the
        lane's worker permits and waits only behind other light requests."""
        if inspect.isgeneratorfunction(fn):
            raise TypeError("a light event computes once; a generator belongs in the heavy lane")
        lane = self.services.budget.light
        event = trigger(newest_wins(self.services.light_permits.wrap(fn), outputs), inputs, outputs,
                        concurrency_id=lane.name, concurrency_limit=lane.slots, **progress_on_results(outputs, kwargs))
        clear_on_error(event, outputs)
        return event

    def heavy(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire an event of seconds of work into the heavy lane: each slot a worker; the student sees their
        place in the queue and the function's ``gr.Progress``."""
        lane = self.services.budget.heavy
        event = trigger(newest_wins(fn, outputs), inputs, outputs, concurrency_id=lane.name,
                        concurrency_limit=lane.slots, **progress_on_results(outputs, kwargs))
        clear_on_error(event, outputs)
        return event

    def training(self, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """Wire the live training run into its own group of one (it trains in a child process at nice 10)."""
        lane = self.services.budget.training
        return trigger(fn, inputs, outputs, concurrency_id=lane.name, concurrency_limit=lane.slots, **kwargs)

    def event(self, lane: str, trigger: Callable, fn: Callable, inputs, outputs, **kwargs):
        """``light`` or ``heavy`` by name (the shell wires deep links into the lane their tab names)."""
        return {"light": self.light, "heavy": self.heavy}[lane](trigger, fn, inputs, outputs, **kwargs)


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
                     display: list | None = None, compare_api_name: str | None = None, lane: str = "light",
                     **kwargs):
    """``run`` on ``trigger`` (the event returned), then, if it succeeded, the comparison; a failure empties
    what it would have shown.

    ``display`` are the outputs that show progress and are emptied on a failure (default: all; a control
    among the outputs keeps its value and never turns into an error badge). With ``compare_api_name`` the
    trigger exists only in compare mode (Enter in the second box), so the comparison runs unconditionally as
    that named endpoint; otherwise it runs only while ``on`` is ticked. Both run in ``lane``."""
    display = outputs if display is None else display
    first = ctx.event(lane, trigger, run, inputs, outputs, show_progress_on=display, **kwargs)
    clear_on_error(first, compare_outputs)  # its own outputs are emptied by the lane's wiring
    kwargs.pop("api_name", None)
    if compare_api_name:
        ctx.event(lane, first.success, compare, compare_inputs, compare_outputs, api_name=compare_api_name,
                  **kwargs)
    else:
        ctx.event(lane, first.success, when_on(compare, len(compare_outputs)), [on, *compare_inputs],
                  compare_outputs, api_name=False, **kwargs)
    return first


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
