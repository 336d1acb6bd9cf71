"""The Fine-tuning tab: feature extraction vs fine-tuning, measured (table + learning curves), live
(a mini-run for this browser's Predict tab) and inside BERT (what fine-tuning changed).

Design decisions: the live run is its own concurrency group ("training", one at a time for the
whole server, the others see their place in the queue: ``ctx.training``), not a lane's, because it
runs in a worker process for a minute or two and must not take a slot from the class's Predict and
Attention requests nor from the heavy lane's Polysemy and Explain. The classifier it leaves is
this session's only (``ctx.session_classifier``); closing the page (``unload``) stops a run in
progress and deletes it. The measured table and curves are static: drawn in English when the app
is built and redrawn when the session's language changes. Compute (``live``, ``changes``,
``records``) -> view (``view``) -> this module, wiring only.
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import UserError, t
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.evaluate.tab import evaluate_panel
from components.finetune import changes as changes_mod
from components.finetune.changes import compare, token_cosines
from components.finetune.live import BUDGET, LiveTrainer, clamp_budget, find_training_data, live_base
from components.finetune.records import comparison, read_layers, read_records
from components.finetune.view import (
    cancelled_markdown,
    changed_outputs,
    forgotten_markdown,
    live_outputs,
    measured_outputs,
    message_markdown,
)
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider
from components.ui.widgets import TabContext, TabHandle, csv_button, examples

TAB_ID = "finetune"
TITLE = "tab_finetune"
SHIPPED, MINE = "shipped", "mine"
PROGRESS = gr.Progress()  # heavy lane: Gradio shows the bar this default stands for; one instance serves every call
EXAMPLES = ["Thank you so much for helping me with my homework!", "I'm worried the bus won't come and I'll miss "
            "my exam.", "Haha that's hilarious, thanks for sharing!", "我喜欢吃苹果。"]


def measured(lang: str):
    """The comparison table, its notes and the learning curves, read from the training records, in ``lang``."""
    records, notes = read_records()
    layer_rows, layer_note = read_layers()
    return measured_outputs(comparison(records, layer_rows), records, notes, layer_note, lang)


def train_endpoint(trainer: LiveTrainer):
    @user_errors
    def train(method: str, budget: float, lang: str = "en", request: gr.Request = None):
        used, note = clamp_budget(budget)
        show_warnings([note] if note else [], lang)
        drawn = -1
        for p in trainer.run(request.session_hash, method, used):
            redraw = len(p.losses) != drawn or p.phase == "done"  # the curve is sent only when it changed
            drawn = len(p.losses)
            status, plot, result = live_outputs(p, used, method, lang, redraw)
            yield status, plot if redraw else gr.skip(), result, p.classifier or gr.skip()

    train.trainer = trainer  # tests and benchmarks reach the server's trainer through the event's function
    return train


def cancel_endpoint(trainer: LiveTrainer):
    def cancel(lang: str = "en", request: gr.Request = None):
        return "", cancelled_markdown(trainer.cancel(request.session_hash), lang)

    return cancel


def forget_endpoint(trainer: LiveTrainer):
    def forget(lang: str = "en", request: gr.Request = None):
        trainer.forget(request.session_hash)
        return forgotten_markdown(lang), None

    return forget


def end_session_endpoint(trainer: LiveTrainer):
    def end_session(request: gr.Request):
        """The page was closed: stop this browser's run and delete its classifier."""
        if request is not None and request.session_hash:
            trainer.end_session(request.session_hash)

    return end_session


def changed_endpoint(services: Services):
    @user_errors
    def changed(which: str, text: str, lang: str = "en", own: str | None = None, progress=PROGRESS):
        progress(0, desc=t("ft_chg_progress", lang))
        if which == MINE and not own:
            raise UserError("ft_chg_no_mine")
        classifier = services.classifier(own if which == MINE else None)
        found = compare(classifier)
        tokens, cos, notes = token_cosines(classifier, text)
        show_warnings(notes, lang)
        return changed_outputs(found, tokens, cos, which == MINE, lang, text)

    return changed


def _live_section(ctx: TabContext, trainer: LiveTrainer) -> dict:
    i18n = ctx.i18n
    gr.Markdown(i18n("ft_live_intro"))
    try:
        find_training_data()
        missing = None
    except UserError as exc:
        missing = exc.msg
    with gr.Row():
        method = gr.Radio([(i18n("ft_live_head"), "head"), (i18n("ft_live_lora"), "lora")], value="lora",
                          label=i18n("ft_live_method"), elem_id="finetune-method")
        low, high, default = BUDGET
        budget = Slider(low, high, value=default, step=100, label=i18n("ft_live_budget"), elem_id="finetune-budget")
        # out-of-range values (an API call, a script) reach the handler, which clamps them and says so in the
        # student's language; the Slider's own check would refuse them with an English error
        budget.preprocess = lambda payload: payload
    missing_note = gr.Markdown(message_markdown(missing, "en"), visible=missing is not None,
                               elem_id="finetune-no-data")
    with gr.Row():
        train = gr.Button(i18n("ft_live_train"), variant="primary", interactive=missing is None,
                          elem_id="finetune-train")
        cancel = gr.Button(i18n("ft_live_cancel"), elem_id="finetune-cancel")
        forget = gr.Button(i18n("ft_live_forget"), elem_id="finetune-forget")
    status = gr.HTML(elem_id="finetune-status")
    result = gr.Markdown(elem_id="finetune-result")
    plot = gr.Plot(label=i18n("ft_live_plot"), elem_id="finetune-live-plot")
    event = ctx.training(train.click, train_endpoint(trainer), [method, budget, ctx.lang],
                         [status, plot, result, ctx.session_classifier], api_name="train", show_progress_on=[status])
    cancel.click(cancel_endpoint(trainer), [ctx.lang], [status, result], cancels=[event], api_name="cancel_training")
    forget.click(forget_endpoint(trainer), [ctx.lang], [result, ctx.session_classifier], api_name=False)
    return {"method": method, "budget": budget, "missing": (missing_note, missing)}


def build(ctx: TabContext) -> TabHandle:
    i18n, services = ctx.i18n, ctx.services
    gr.Markdown(i18n("ft_tab_intro"))
    frame, notes, curves = measured("en")
    with gr.Accordion(i18n("ft_tab_measured"), open=True):
        table = gr.Dataframe(value=frame, label=i18n("ft_tab_table"), interactive=False, wrap=True, max_height=640,
                             column_widths=["22%", "15%", "7%", "8%", "8%", "11%", "8%", "13%", "8%"],
                             elem_id="finetune-table")  # one width per column of COLUMNS: "epochs" on one line
        csv_button(i18n, table, "bertlens-finetune-comparison")
        table_note = gr.Markdown(notes, elem_id="finetune-table-note")
        curves_plot = gr.Plot(curves, label=i18n("ft_tab_curves"), elem_id="finetune-curves")
    fields = {}
    redraw = []
    with gr.Accordion(i18n("ft_tab_live"), open=True):
        if services.config.live_training:
            trainer = LiveTrainer(live_base(services.config.classifier, services.config.default_model),
                                  on_discard=changes_mod.forget)
            live = _live_section(ctx, trainer)
            fields.update(method=live["method"], budget=live["budget"])
            redraw.append(live["missing"])
            gr.context.Context.root_block.unload(end_session_endpoint(trainer))
        else:
            gr.Markdown(i18n("ft_live_off"), elem_id="finetune-live-off")
    with gr.Accordion(i18n("ft_tab_changed"), open=True):
        gr.Markdown(i18n("ft_chg_intro"))
        with gr.Row():
            which = gr.Radio([(i18n("ft_chg_shipped"), SHIPPED), (i18n("ft_chg_mine"), MINE)], value=SHIPPED,
                             label=i18n("ft_chg_which"), scale=1, elem_id="finetune-which")
            text = gr.Textbox(label=i18n("ft_chg_text"), value=EXAMPLES[0], lines=2, max_length=MAX_CHARS, scale=3,
                              elem_id="finetune-text")
        run = gr.Button(i18n("ft_chg_run"), variant="primary", elem_id="finetune-compare")
        summary = gr.Markdown(elem_id="finetune-summary")
        with gr.Row():
            cka = gr.Plot(show_label=False, elem_id="finetune-cka")
            lora = gr.Plot(show_label=False, elem_id="finetune-lora")
        js = gr.Plot(show_label=False, elem_id="finetune-js")
        cosine = gr.Plot(show_label=False, elem_id="finetune-cosine")
        examples(ctx.readable([[e] for e in EXAMPLES]), [text], i18n)
    evaluate_panel(ctx)
    fn = changed_endpoint(services)
    inputs, outputs = [which, text, ctx.lang, ctx.session_classifier], [summary, cka, js, lora, cosine]
    ctx.heavy(run.click, fn, inputs, outputs, api_name="finetune_changes")
    ctx.heavy(text.submit, fn, inputs, outputs, api_name=False)

    def relabel(lang: str):
        frame, notes, curves = measured(lang)
        extra = [message_markdown(msg, lang) for _, msg in redraw]
        return frame, notes, curves, *extra

    ctx.lang.change(relabel, [ctx.lang], [table, table_note, curves_plot, *[c for c, _ in redraw]],
                    api_name=False, show_progress="hidden")
    fields.update(text=text, which=which)
    return TabHandle(fields=fields, run=(fn, inputs, outputs), lane="heavy")
