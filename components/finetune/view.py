"""What the Fine-tuning tab shows, in the session's language: the measured comparison (table, notes, curves),
the live run's progress and result, and what fine-tuning changed inside BERT.

Design decision: the view turns data (training records, a run's ``Progress``, computed ``Changes``) into
tables, Markdown, HTML and figures and nothing else; it never reads a file, loads a model or trains, so the
tab only wires it.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.core.messages import Msg, render, t
from components.core.text import escape
from components.finetune.changes import Changes
from components.finetune.figures import (
    cka_figure,
    cosine_figure,
    curves_figure,
    js_figure,
    live_loss_figure,
    lora_figure,
    method_name,
)
from components.finetune.live import BATCH_SIZE, Progress
from components.finetune.records import Record, Row

__all__ = ["COLUMNS", "cancelled_markdown", "changed_outputs", "forgotten_markdown", "live_outputs",
           "measured_outputs", "message_markdown", "result_markdown", "status_html"]

COLUMNS = ("method", "kind", "epochs", "macro", "micro", "trained", "share", "time", "size")
COLUMN_KEYS = {
    "method": "ft_cmp_method", "kind": "ft_cmp_kind", "epochs": "ft_cmp_epochs", "macro": "ft_cmp_macro",
    "micro": "ft_cmp_micro", "trained": "ft_cmp_trained", "share": "ft_cmp_share", "time": "ft_cmp_time",
    "size": "ft_cmp_size",
}
KIND_KEYS = {"extract": "ft_cmp_kind_extract", "tune": "ft_cmp_kind_tune"}
METHOD_KEYS = {"head": "ft_cmp_head", "lora": "ft_cmp_lora", "full": "ft_cmp_full", "sklearn-lr": "ft_cmp_sklearn-lr"}
PHASE_KEYS = {"load": "ft_live_phase_load", "dev": "ft_live_phase_dev", "features": "ft_live_phase_features",
              "train": "ft_live_phase_train", "after": "ft_live_phase_after", "save": "ft_live_phase_save"}


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _row(row: Row, lang: str) -> list:
    name = t("ft_cmp_layer_row", lang, spec=row.spec) if row.spec else (
        t(METHOD_KEYS[row.method], lang) if row.method in METHOD_KEYS else row.method)
    if row.fit_only:
        time_text = t("ft_cmp_fit", lang, seconds=row.seconds)
    elif row.seconds >= 120:
        time_text = t("ft_cmp_minutes", lang, minutes=row.seconds / 60)
    else:
        time_text = t("ft_cmp_seconds", lang, seconds=row.seconds)
    epochs = "—" if row.epochs is None else row.epochs
    return [name, t(KIND_KEYS[row.kind], lang), epochs, round(row.macro_f1, 3), round(row.micro_f1, 3),
            f"{row.trained:,}", f"{100 * row.share:.2f}%", time_text, _size(row.size_bytes)]


def which_scored_higher(rows: list[Row]) -> Msg | None:
    """The lesson's claim, read from the table itself: the best fine-tuning row against the best feature-
    extraction row (test macro-F1), so the sentence under the table can never contradict it."""
    best = {kind: max((r for r in rows if r.kind == kind), key=lambda r: r.macro_f1, default=None)
            for kind in ("tune", "extract")}
    tune, extract = best["tune"], best["extract"]
    if tune is None or extract is None:
        return None
    name = {r: f"{r.method} {r.spec}" if r.spec else r.method for r in (tune, extract)}
    key = "ft_cmp_verdict_tune" if tune.macro_f1 > extract.macro_f1 else "ft_cmp_verdict_extract"
    return Msg(key, tune=name[tune], tune_f1=f"{tune.macro_f1:.3f}", extract=name[extract],
               extract_f1=f"{extract.macro_f1:.3f}")


def measured_outputs(rows: list[Row], records: list[Record], notes: list[Msg], layer_note: Msg,
                     lang: str) -> tuple[dict, str, go.Figure]:
    """The comparison table, its notes and the learning curves, in ``lang``."""
    frame = {"headers": [t(COLUMN_KEYS[c], lang) for c in COLUMNS], "data": [_row(r, lang) for r in rows]}
    verdict = [render(v, lang) for v in (which_scored_higher(rows),) if v is not None]
    text = "\n\n".join([*verdict, t("ft_cmp_note", lang), render(layer_note, lang, escape=escape)]
                       + [render(n, lang, escape=escape) for n in notes])
    return frame, text, curves_figure(records, lang)


def message_markdown(message: Msg | None, lang: str) -> str:
    """A message shown in the tab (why the live run cannot start), its parameters escaped; empty for None."""
    return render(message, lang, escape=escape) if message else ""


def status_html(p: Progress, lang: str) -> str:
    if p.phase in ("done", "cancelled"):
        return ""
    total = max(p.total, 1)
    return (f'<progress value="{min(p.done, total)}" max="{total}" style="width:100%;height:1.2em"></progress>'
            f'<div class="finetune-phase">{escape(t(PHASE_KEYS[p.phase], lang, done=p.done, total=p.total))}</div>')


def result_markdown(p: Progress, lang: str) -> str:
    if p.phase == "done" and p.summary:
        s = p.summary
        done = t("ft_live_done", lang, seconds=s["seconds"], method=method_name(s["method"], lang),
                 examples=s["examples"], rate=s["examples_per_second"], trained=s["parameters"]["trained"],
                 total=s["parameters"]["total"], scored=s["dev_examples"] - s["dev_examples"] // 2,
                 tuned=s["dev_examples"] // 2, before=s["before"], after=s["after"])
        return f"{done}\n\n{t('ft_live_yours', lang)}"
    return t("ft_live_before", lang, before=p.before) if p.before is not None else ""


def live_outputs(p: Progress, budget: int, method: str, lang: str,
                 plot: bool) -> tuple[str, go.Figure | None, str]:
    """(progress bar, loss curve or None when ``plot`` is off, result) for one update of a live run."""
    figure = live_loss_figure(p.losses, p.steps or -(-budget // BATCH_SIZE), method, lang) if plot else None
    return status_html(p, lang), figure, result_markdown(p, lang)


def cancelled_markdown(stopped: Progress | None, lang: str) -> str:
    """How far the cancelled run got, or that there was nothing to cancel."""
    return t("ft_live_cancelled", lang, steps=len(stopped.losses)) if stopped else t("ft_live_nothing", lang)


def forgotten_markdown(lang: str) -> str:
    return t("ft_live_forgotten", lang)


def changed_summary(found: Changes, mine: bool, lang: str) -> str:
    """Which classifier, and what changed most: the layers' CKA and the head whose attention moved most (a
    frozen encoder changed nothing)."""
    which = t("ft_named", lang, name=t("ft_chg_mine" if mine else "ft_chg_shipped", lang), detail=found.method)
    if found.method in ("head", "sklearn-lr"):
        return t("ft_chg_frozen", lang, which=which)
    js_layer, js_head = divmod(int(found.js.argmax()), found.js.shape[1])
    return t("ft_chg_summary", lang, which=which, first=found.cka[0], last=found.cka[-1], layers=len(found.cka) - 1,
             js_layer=js_layer + 1, js_head=js_head + 1, js=found.js.max())


def changed_outputs(found: Changes, tokens: tuple[str, ...], cos: np.ndarray, mine: bool, lang: str,
                    text: str) -> tuple[str, go.Figure, go.Figure, go.Figure, go.Figure]:
    """(summary, CKA per layer, attention change per head, LoRA update per matrix, token cosines)."""
    return (changed_summary(found, mine, lang), cka_figure(found, lang), js_figure(found, lang),
            lora_figure(found, lang), cosine_figure(tokens, cos, lang, text))
