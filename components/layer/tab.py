"""The Inside-a-layer tab: one encoder layer recomputed for one token, step by step, guess first.

Design decisions:
- The query is a hidden slider (``token``, a position from 0, or -1 for "the first regular
  token"): it is what the API and deep links set; the chips are only how a student sets it. The
  session remembers which input the chips and the guess belong to (``shown``, never an API
  parameter): once the sentence, the pair or the model changed, an old position means nothing and
  the query starts again from the first regular token (a browser's ``input`` event is not a
  reliable signal of that: a paste or an example does not always send one). A position out of
  range anywhere else (a link, an API call) is an error that says the range. Layer and head are the
  house's model sliders (their range follows the model); a number the model does not have is brought
  into range with the notice of ``core.numbering``.
- Guess first hides the steps (a column) until a guess is clicked; the endpoint itself always
  answers in full, so API and MCP clients get every number. A new query, layer, head or run clears
  the guess.
- Every number comes from the one cached ``Analysis``: changing layer, head or token never runs
  the model again.
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import render
from components.core.numbering import clamp
from components.core.services import Services
from components.layer.across import across_layers
from components.layer.compute import encoder_layer, inside_layer
from components.layer.figures import (
    across_figure,
    concat_figure,
    ffn_figure,
    head_output_figure,
    input_figure,
    products_figure,
    residual_figure,
    softmax_figure,
)
from components.layer.view import (
    chips,
    default_query,
    guess_markdown,
    record,
    step_sentences,
    summary_markdown,
    table,
)
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider, model_slider
from components.ui.widgets import (
    PAIR_HEADERS,
    TabContext,
    TabHandle,
    csv_button,
    examples,
    sentence_pair,
)

TAB_ID = "layer"
TITLE = "tab_layer"
DEFAULT_TEXT = "The animal didn't cross the street because it was too tired."
DEFAULT_LAYER, DEFAULT_HEAD = 2, 9  # minilm: the first "the" attends most to its noun "animal" here (0.88)
MAX_POSITION = 4095
EXAMPLES = [
    [DEFAULT_TEXT, ""],
    ["The trophy would not fit in the suitcase because it was too big.", ""],
    ["Where did the children plant the tree?", "They planted it beside the school gate."],
    ["我喜欢吃苹果。", ""],
    ["老师在教室里读书。", "学生们认真地听。"],
]
STEPS = ("input", "products", "softmax", "head", "concat", "residual", "ffn", "across")


def _position(value: float | str | None, n_tokens: int) -> int | None:
    """A chip's or slider's position if it is one of this input's (from 0), else None (no guess, -1)."""
    try:
        position = int(float(value)) if value not in (None, "") else -1
    except (TypeError, ValueError):
        return None
    return position if 0 <= position < n_tokens else None


def layer_endpoint(services: Services):
    @user_errors
    def layer(text: str, text_pair: str, model_name: str, layer: float, head: float, token: float,
              guess_first: bool, guess: float, shown: list | None = None, lang: str = "en"):
        model = services.model(model_name)
        encoder_layer(model, 1)  # a model whose layers this lesson cannot read is told so before any forward
        analysis = services.analysis(model_name, text, text_pair or None)
        show_warnings(analysis.warnings(), lang)
        shape = (analysis.n_layers, analysis.n_heads)
        layer_c = clamp("layer", layer, shape, analysis.model_name, DEFAULT_LAYER)
        head_c = clamp("head", head, shape, analysis.model_name, DEFAULT_HEAD)
        if shown is not None and list(shown) != [analysis.model_name, analysis.text, analysis.text_pair]:
            token = guess = -1  # picked in another input: they point at nothing here
        position = default_query(analysis) if token is None or int(token) < 0 else int(token)
        steps = inside_layer(model, analysis, layer_c.number, head_c.number, position)
        across = across_layers(model, analysis, position)
        notes = [summary_markdown(steps, lang)] + [render(c.notice, lang) for c in (layer_c, head_c) if c.notice]
        notes.append(guess_markdown(steps, _position(guess, analysis.n_tokens), bool(guess_first), lang))
        says = step_sentences(steps, across, lang)
        figures = {"input": input_figure(steps, lang), "products": products_figure(steps, lang),
                   "softmax": softmax_figure(steps, lang), "head": head_output_figure(steps, lang),
                   "concat": concat_figure(steps, lang), "residual": residual_figure(steps, lang),
                   "ffn": ffn_figure(steps, lang), "across": across_figure(across, steps, lang)}
        shown = [value for step in STEPS for value in (says[step], figures[step])]
        return "\n\n".join(n for n in notes if n), *shown, table(steps, lang), record(steps, across)

    return layer


def _follow(numbers: dict | None, guess: float):
    """The controls follow the record just shown: the layer and head shown, the position used, the chips of its
    tokens, and which input they belong to."""
    if not numbers:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    choices = chips(numbers["tokens"])
    guessed = _position(guess, len(choices))
    return (numbers["layer"], numbers["head"], numbers["token"],
            gr.update(choices=choices, value=str(numbers["token"])),
            gr.update(choices=choices, value=None if guessed is None else str(guessed)),
            [numbers["model"], numbers["text"], numbers["text_pair"]])


def _clear_guess():
    return -1, gr.update(value=None)


def _chip(position: str | None) -> int:
    return int(position) if position not in (None, "") else -1


def _gate(guess_first: bool, guess: float):
    """Guess first: the steps stay closed until a guess is made."""
    return gr.update(visible=not guess_first or (guess is not None and guess >= 0))


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("layer_intro"))
    text, pair = sentence_pair(i18n, DEFAULT_TEXT, "layer")
    with gr.Row():
        default = ctx.services.config.default_model
        layer = model_slider("layer", DEFAULT_LAYER, default, label=i18n("layer_layer"), elem_id="layer-layer")
        head = model_slider("head", DEFAULT_HEAD, default, label=i18n("layer_head"), elem_id="layer-head")
    # the query's and the guess's positions (from 0; -1: none picked): what the API and deep links set
    token = Slider(-1, MAX_POSITION, value=-1, step=1, visible=False, elem_id="layer-token")
    guess = Slider(-1, MAX_POSITION, value=-1, step=1, visible=False, elem_id="layer-guess-position")
    shown = gr.State(None)  # [model, text, pair] of the answer on screen: what the chips and the guess belong to
    run = gr.Button(i18n("layer_run"), variant="primary", elem_id="layer-run")
    picker = gr.Radio([], label=i18n("layer_query"), elem_id="layer-query", elem_classes=["bl-chips"])
    note = gr.Markdown(elem_id="layer-note")
    with gr.Row():
        guess_first = gr.Checkbox(label=i18n("layer_guess_first"), value=True, scale=0, elem_id="layer-guess-first")
        guess_chips = gr.Radio([], label=i18n("layer_guess"), scale=5, elem_id="layer-guess",
                               elem_classes=["bl-chips"])
    gr.Markdown(i18n("layer_step_input"))
    says, plots = {}, {}
    says["input"] = gr.Markdown(elem_id="layer-say-input")
    plots["input"] = gr.Plot(label=i18n("layer_plot_input"), elem_id="layer-plot-input")
    with gr.Column(visible=False, elem_id="layer-steps") as steps_box:
        for step, heading, label in (("products", "layer_step_products", "layer_plot_products"),
                                     ("softmax", "layer_step_softmax", "layer_plot_softmax"),
                                     ("head", "layer_step_head", "layer_plot_head"),
                                     ("concat", None, "layer_plot_concat"),
                                     ("residual", "layer_step_residual", "layer_plot_residual"),
                                     ("ffn", "layer_step_ffn", "layer_plot_ffn")):
            if heading:
                gr.Markdown(i18n(heading))
            says[step] = gr.Markdown(elem_id=f"layer-say-{step}")
            plots[step] = gr.Plot(label=i18n(label), elem_id=f"layer-plot-{step}")
        frame = gr.Dataframe(label=i18n("layer_table"), interactive=False, elem_id="layer-table")
        csv_button(i18n, frame, "bertlens-layer")
        with gr.Accordion(i18n("layer_record"), open=False):
            numbers = gr.JSON(elem_id="layer-json")
    gr.Markdown(i18n("layer_step_across"))
    says["across"] = gr.Markdown(elem_id="layer-say-across")
    plots["across"] = gr.Plot(label=i18n("layer_plot_across"), elem_id="layer-plot-across")
    gr.Markdown(i18n("layer_caution"), elem_id="layer-caution")
    examples(ctx.readable(EXAMPLES), [text, pair], i18n, headers=PAIR_HEADERS)

    fn = layer_endpoint(ctx.services)
    inputs = [text, pair, ctx.model, layer, head, token, guess_first, guess, shown, ctx.lang]
    outputs = [note, *[c for step in STEPS for c in (says[step], plots[step])], frame, numbers]
    quick = dict(api_name=False, queue=False, show_progress="hidden")  # no model: outside the lane, no queue
    ctx.light(run.click, fn, inputs, outputs, api_name="layer")
    for trigger in (text.submit, layer.release, head.release):  # a new question: the guess is asked again
        ctx.light(trigger(_clear_guess, None, [guess, guess_chips], **quick).then, fn, inputs, outputs,
                        api_name=False)
    picked = picker.input(_chip, picker, token, **quick).then(_clear_guess, None, [guess, guess_chips], **quick)
    ctx.light(picked.then, fn, inputs, outputs, api_name=False)
    ctx.light(guess_chips.input(_chip, guess_chips, guess, **quick).then, fn, inputs, outputs, api_name=False)
    ctx.light(guess_first.input, fn, inputs, outputs, api_name=False)
    # every answer, the linked run's too, brings the controls in line with it
    numbers.change(_follow, [numbers, guess], [layer, head, token, picker, guess_chips, shown], **quick)
    gr.on([guess.change, guess_first.change], _gate, [guess_first, guess], steps_box, **quick)
    return TabHandle(fields={"text": text, "pair": pair, "layer": layer, "head": head, "token": token},
                     run=(fn, inputs, outputs))
