"""The panel "Evaluate a classifier, label by label", built inside the Fine-tuning tab by ``evaluate_panel``.

Design decision: the scored rows live only in this browser's ``gr.State`` (the upload is read
once, from the temporary file Gradio wrote, and never stored by us); choosing another label
redraws the mistakes from that state without running the model again.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import gradio as gr

from components.core.classifier import label_text
from components.core.messages import UserError, t
from components.core.services import Services
from components.core.text import escape
from components.evaluate.compute import classroom_rows, cooccurrence, errors_for, evaluate_texts, per_label_metrics
from components.evaluate.figures import cooccurrence_figure
from components.evaluate.reader import MAX_BYTES, read_table
from components.ui.errors import user_errors
from components.ui.widgets import TabContext

__all__ = ["evaluate_panel"]

GOEMOTIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "goemotions"
TEST_SAMPLE = 1_000  # rows of the GoEmotions test split, seeded: a minute at most on a class's server
SHIPPED, MINE, TEST, UPLOAD = "shipped", "mine", "test", "upload"
COLUMNS = ("label", "precision", "recall", "f1", "support", "threshold")
COLUMN_KEYS = {
    "label": "ev_col_label", "precision": "ev_col_precision", "recall": "ev_col_recall", "f1": "ev_col_f1",
    "support": "ev_col_support", "threshold": "ev_col_threshold",
}
SHOWN = 25  # mistakes listed per kind


def _data(source: str, file: str | None, labels):
    if source == UPLOAD:
        if not file:
            raise UserError("ev_no_file")
        if os.path.getsize(file) > MAX_BYTES:  # before reading a byte
            raise UserError("ev_too_large", size=os.path.getsize(file), limit=MAX_BYTES)
        table = read_table(Path(file).read_bytes(), Path(file).name, labels)
        return table.texts, table.targets, Path(file).name
    from components.finetune.data import load_dataset

    if not (GOEMOTIONS / "test.tsv").is_file():
        raise UserError("ev_no_data", path=str(GOEMOTIONS))
    ds = load_dataset(str(GOEMOTIONS), "test", label_names=labels).sample(TEST_SAMPLE, 42)
    return ds.texts, ds.targets, None


def _frame(m: dict, lang: str) -> dict:
    rows = [[label_text(n, lang), round(v["precision"], 3), round(v["recall"], 3), round(v["f1"], 3), v["support"],
             round(v["threshold"], 2)] for n, v in m["per_label"].items()]
    return {"headers": [t(COLUMN_KEYS[c], lang) for c in COLUMNS], "data": rows}


def _links(text: str, label: str) -> str:
    predict = "?" + urlencode({"tab": "predict", "text": text[:600]})
    explain = "?" + urlencode({"tab": "explain", "text": text[:600], "label": label})
    return predict, explain


def mistakes_html(ev, label: str, classroom: bool, lang: str) -> str:
    if ev is None:
        return escape(t("ev_run_first", lang))
    misses, alarms = errors_for(ev, label)
    parts, hidden = [], 0
    name = label_text(label, lang)
    for key, rows in (("ev_misses", misses), ("ev_alarms", alarms)):
        shown, n_hidden = classroom_rows(rows, ev.texts, classroom)
        hidden += n_hidden
        lines = []
        for i, score in shown[:SHOWN]:
            predict, explain = _links(ev.texts[i], label)
            lines.append(f"<tr><td>{score:.3f}</td><td>{escape(ev.texts[i])}</td><td>"
                         f"<a href='{escape(predict)}' target='_blank'>{escape(t('ev_predict', lang))}</a> · "
                         f"<a href='{escape(explain)}' target='_blank'>{escape(t('ev_explain', lang))}</a></td></tr>")
        head = (f"<tr><th>{escape(t('ev_score', lang))}</th><th>{escape(t('ev_sentence', lang))}</th>"
                f"<th>{escape(t('ev_open', lang))}</th></tr>")
        parts.append(f"<h4>{escape(t(key, lang, label=name, n=len(rows)))}</h4>"
                     f"<table class='ev-mistakes'>{head}{''.join(lines)}</table>")
    note = f"<p class='ev-hidden'>{escape(t('ev_hidden', lang, n=hidden))}</p>" if hidden else ""
    return note + "".join(parts)


def evaluate_endpoint(services: Services):
    @user_errors
    def evaluate(which: str, source: str, file: str | None, classroom: bool, lang: str = "en",
                 own: str | None = None, progress=gr.Progress()):  # noqa: B008 - Gradio's idiom
        if which == MINE and not own:
            raise UserError("ev_no_mine")
        classifier = services.classifier(own if which == MINE else None)
        texts, targets, name = _data(source, file, classifier.labels)
        ev = evaluate_texts(classifier, texts, targets, progress=lambda done, total: progress(done / total))
        m = per_label_metrics(ev.targets, ev.preds, ev.labels, ev.thresholds)
        where = escape(name, markdown=True) if name else t("ev_source_sample", lang, n=len(texts))
        summary = t("ev_summary", lang, n=m["n_examples"], source=where, macro=m["macro_f1"],
                    micro=m["micro_f1"], labels=len(ev.labels))
        worst = min(m["per_label"], key=lambda n: m["per_label"][n]["f1"])
        choices = [(label_text(n, lang), n) for n in ev.labels]
        return (summary, _frame(m, lang), cooccurrence_figure(cooccurrence(ev.targets, ev.preds), ev.labels, lang),
                ev, gr.update(choices=choices, value=worst), mistakes_html(ev, worst, classroom, lang))

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

    def redraw(ev, chosen: str | None, on: bool, lang: str = "en"):
        if ev is None or chosen not in ev.labels:
            return escape(t("ev_run_first", lang))
        return mistakes_html(ev, chosen, on, lang)

    for control in (label, classroom):
        control.change(redraw, [state, label, classroom, ctx.lang], mistakes, api_name=False, show_progress="hidden")
