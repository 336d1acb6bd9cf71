"""The panel "Evaluate a classifier, label by label", built inside the Fine-tuning tab by ``evaluate_panel``.

Design decision: the scored rows live only in this browser's ``gr.State`` (the upload is read
once, from the temporary file Gradio wrote, and never stored by us); choosing another label
redraws the mistakes from that state without running the model again. Reader and compute
(``reader.evaluation_data``, ``compute``) -> view (``view``) -> this module, wiring only.
"""

from __future__ import annotations

import gradio as gr

from components.core.messages import UserError
from components.core.services import Services
from components.evaluate.compute import evaluate_texts, per_label_metrics
from components.evaluate.reader import TEST, UPLOAD, evaluation_data
from components.evaluate.view import evaluation_outputs, mistakes_html
from components.ui.errors import user_errors
from components.ui.widgets import TabContext

__all__ = ["evaluate_panel"]

SHIPPED, MINE = "shipped", "mine"


def evaluate_endpoint(services: Services):
    @user_errors
    def evaluate(which: str, source: str, file: str | None, classroom: bool, lang: str = "en",
                 own: str | None = None, progress=gr.Progress()):  # noqa: B008 - Gradio's idiom
        if which == MINE and not own:
            raise UserError("ev_no_mine")
        classifier = services.classifier(own if which == MINE else None)
        texts, targets, name = evaluation_data(source, file, classifier.labels)
        ev = evaluate_texts(classifier, texts, targets, progress=lambda done, total: progress(done / total))
        m = per_label_metrics(ev.targets, ev.preds, ev.labels, ev.thresholds)
        summary, frame, figure, choices, worst, mistakes = evaluation_outputs(ev, m, name, len(texts), classroom,
                                                                              lang)
        return summary, frame, figure, ev, gr.update(choices=choices, value=worst), mistakes

    return evaluate


def evaluate_panel(ctx: TabContext) -> None:
    i18n = ctx.i18n
    with gr.Accordion(i18n("ev_panel"), open=False):
        gr.Markdown(i18n("ev_intro"))
        with gr.Row():
            which = gr.Radio([(i18n("ev_shipped"), SHIPPED), (i18n("ev_mine"), MINE)], value=SHIPPED,
                             label=i18n("ev_which"), elem_id="evaluate-which")
            source = gr.Radio([(i18n("ev_source_test"), TEST), (i18n("ev_source_upload"), UPLOAD)], value=UPLOAD,
                              label=i18n("ev_source"), elem_id="evaluate-source")
            classroom = gr.Checkbox(value=True, label=i18n("ev_filter"), elem_id="evaluate-filter")
        file = gr.File(label=i18n("ev_file"), file_types=[".csv", ".tsv", ".jsonl"], type="filepath",
                       elem_id="evaluate-file")
        run = gr.Button(i18n("ev_run"), variant="primary", elem_id="evaluate-run")
        summary = gr.Markdown(elem_id="evaluate-summary")
        table = gr.Dataframe(label=i18n("ev_table"), interactive=False, elem_id="evaluate-table")
        plot = gr.Plot(show_label=False, elem_id="evaluate-cooccurrence")
        label = gr.Dropdown([], label=i18n("ev_label"), elem_id="evaluate-label")
        mistakes = gr.HTML(elem_id="evaluate-mistakes")
        state = gr.State(None)
    ctx.heavy(run.click, evaluate_endpoint(ctx.services), [which, source, file, classroom, ctx.lang,
                    ctx.session_classifier], [summary, table, plot, state, label, mistakes], api_name="evaluate")

    source.change(lambda chosen: gr.update(visible=chosen == UPLOAD), source, file, queue=False, api_name=False,
                  show_progress="hidden")  # the file box only while a file is what will be read
    for control in (label, classroom):
        control.change(mistakes_html, [state, label, classroom, ctx.lang], mistakes, api_name=False,
                       show_progress="hidden")
