"""What the evaluation panel shows, in the session's language: the summary, the per-label table, the
co-occurrence figure, the label menu's choices and the mistakes for one label with links to Predict and Explain.

Design decision: the view turns a computed ``Evaluation`` and its metrics into Markdown, a table, a figure
and HTML and nothing else; it never loads or runs a model, so choosing another label redraws the mistakes
from the browser's state and the panel only wires it. Every sentence is the student's text: escaped.
"""

from __future__ import annotations

from urllib.parse import urlencode

import plotly.graph_objects as go

from components.core.classifier import label_text
from components.core.messages import t
from components.core.text import escape, fixed, shown_table
from components.evaluate.compute import Evaluation, classroom_rows, cooccurrence, errors_for
from components.evaluate.figures import cooccurrence_figure

__all__ = ["evaluation_outputs", "metrics_frame", "mistakes_html", "summary_markdown"]

COLUMNS = ("label", "precision", "recall", "f1", "support", "threshold")
COLUMN_KEYS = {
    "label": "ev_col_label", "precision": "ev_col_precision", "recall": "ev_col_recall", "f1": "ev_col_f1",
    "support": "ev_col_support", "threshold": "ev_col_threshold",
}
SHOWN = 25  # mistakes listed per kind


def metrics_frame(m: dict, lang: str) -> dict:
    """One row per label: precision, recall, F1, support and the label's threshold."""
    rows = [[label_text(n, lang), float(v["precision"]), float(v["recall"]), float(v["f1"]), int(v["support"]),
             float(v["threshold"])] for n, v in m["per_label"].items()]
    three = fixed(3)  # "0.800", not "0.8", beside "0.353"; the summary's F1s have three decimals too
    return shown_table([t(COLUMN_KEYS[c], lang) for c in COLUMNS], rows, {1: three, 2: three, 3: three, 5: fixed(2)})


def summary_markdown(ev: Evaluation, m: dict, name: str | None, n_texts: int, lang: str) -> str:
    """How many sentences from where (the uploaded file's name, else the test sample), macro and micro F1."""
    where = escape(name, markdown=True) if name else t("ev_source_sample", lang, n=n_texts)
    return t("ev_summary", lang, n=m["n_examples"], source=where, macro=m["macro_f1"], micro=m["micro_f1"],
             labels=len(ev.labels))


def _links(text: str, label: str) -> tuple[str, str]:
    predict = "?" + urlencode({"tab": "predict", "text": text[:600]})
    explain = "?" + urlencode({"tab": "explain", "text": text[:600], "label": label})
    return predict, explain


def mistakes_html(ev: Evaluation | None, label: str | None, classroom: bool, lang: str) -> str:
    """The label's misses and false alarms, most confident first; asks for a run when there is nothing to show."""
    if ev is None or label not in ev.labels:
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


def evaluation_outputs(ev: Evaluation, m: dict, name: str | None, n_texts: int, classroom: bool,
                       lang: str) -> tuple[str, dict, go.Figure, list[tuple[str, str]], str, str]:
    """(summary, table, co-occurrence figure, label choices, the label shown first, its mistakes): the label
    shown first is the one with the lowest F1, where the mistakes teach most."""
    worst = min(m["per_label"], key=lambda n: m["per_label"][n]["f1"])
    choices = [(label_text(n, lang), n) for n in ev.labels]
    figure = cooccurrence_figure(cooccurrence(ev.targets, ev.preds), ev.targets.sum(axis=0), ev.labels, lang)
    return (summary_markdown(ev, m, name, n_texts, lang), metrics_frame(m, lang), figure, choices, worst,
            mistakes_html(ev, worst, classroom, lang))
