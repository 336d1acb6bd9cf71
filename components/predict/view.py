"""What the Predict tab shows, in the session's language: the predicted labels, how much of the sentence was
read, the classifier's card, and for two sentences what changed.

Design decision: the view turns computed data (``Prediction``, ``Comparison``) into Markdown and figures and
nothing else; it never loads or runs a model, so the tab only wires it.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.core.classifier import Classifier, label_text
from components.core.messages import t
from components.core.text import escape, number
from components.predict.compute import Comparison, Prediction
from components.predict.figures import change_figure, label_scores_figure

__all__ = ["comparison_markdown", "comparison_outputs", "metrics_markdown", "predicted_markdown",
           "prediction_outputs", "tokens_note"]

KIND_KEYS = {"sigmoid": "pred_kind_multi", "softmax": "pred_kind_single", "none": "pred_kind_none"}


def _label(label: str, lang: str) -> str:
    return escape(label_text(label, lang), markdown=True)


def tokens_note(pred: Prediction, limit: int, lang: str) -> str:
    """How many tokens the sentence has and how many the classifier read, said plainly."""
    if pred.truncated:
        return t("pred_tokens_cut", lang, n=pred.n_tokens_full, limit=limit, cut=pred.n_tokens_full - pred.n_tokens)
    return t("pred_tokens_all", lang, n=pred.n_tokens, limit=limit)


def predicted_markdown(pred: Prediction, classifier: Classifier, lang: str, own: bool) -> str:
    if not pred.understood:
        return t("pred_not_understood", lang)
    chosen = [f"**{_label(label, lang)}** ({p:.2f})" for label, p, c in pred.ranked() if c]
    lines = [t("pred_list_sep", lang).join(chosen) if chosen else t("pred_none_passes", lang),
             f"*{t(KIND_KEYS[pred.activation], lang)}*", tokens_note(pred, classifier.max_length, lang)]
    if own:
        lines.append(t("pred_session", lang))
    return "\n\n".join(lines)


def prediction_outputs(pred: Prediction, classifier: Classifier, lang: str, own: bool,
                       text: str) -> tuple[go.Figure, str, dict[str, float]]:
    """(score figure, predicted labels, top five) for one sentence."""
    top = {label_text(label, lang): p for label, p, _c in pred.ranked()[:5]}
    return label_scores_figure(pred, lang, text), predicted_markdown(pred, classifier, lang, own), top


def comparison_markdown(comparison: Comparison, limit: int, lang: str) -> str:
    """The labels that moved most, the labels gained and lost, and both sentences' token counts."""
    first, second = comparison.first, comparison.second
    moved = [t("pred_cmp_moved_one", lang, label=_label(comparison.labels[i], lang), first=number(first.probs[i]),
               second=number(second.probs[i]), change=number(comparison.change[i], sign=True))
             for i in comparison.largest(3)]
    lines = [t("pred_cmp_moved", lang, moved=t("pred_list_sep", lang).join(moved))]
    for key, labels in (("pred_cmp_gained", comparison.gained()), ("pred_cmp_lost", comparison.lost())):
        if labels:
            lines.append(t(key, lang, labels=t("pred_list_sep", lang).join(_label(label, lang) for label in labels)))
    if not (comparison.gained() or comparison.lost()):
        lines.append(t("pred_cmp_same_set", lang))
    lines.append(t("pred_cmp_tokens", lang, first=first.n_tokens_full, second=second.n_tokens_full, limit=limit))
    if not second.understood:
        lines.append(t("pred_not_understood", lang))
    return "\n\n".join(lines)


def comparison_outputs(comparison: Comparison, classifier: Classifier, lang: str,
                       text: str) -> tuple[go.Figure, str]:
    """(both scores and the change of every label, what changed) for a minimal pair."""
    figure = change_figure(comparison.labels, comparison.first.probs, comparison.second.probs, lang,
                           probability=comparison.first.activation != "none", text=text)
    return figure, comparison_markdown(comparison, classifier.max_length, lang)


def metrics_markdown(classifier: Classifier, lang: str) -> str:
    lines = []
    if classifier.metrics.get("test"):
        lines += [t("pred_metrics_header", lang), "|---|---|---|---|---|"]
        for split, split_key in (("dev", "pred_split_dev"), ("test", "pred_split_test")):
            m = classifier.metrics.get(split)
            if m:
                lines.append(f"| {t(split_key, lang)} | {m['macro_f1']:.3f} | {m['micro_f1']:.3f} | "
                             f"{m['macro_precision']:.3f} | {m['macro_recall']:.3f} |")
        lines.append("\n" + t("pred_published", lang) + "\n")
    if lang == "en" or not classifier.info:
        lines.append(classifier.card if classifier.info else escape(classifier.card, markdown=True))
    else:  # the card is written in English by `train`: its content, from the classifier's own record
        lines.append(card_summary(classifier, lang))
    return "\n".join(lines)


PER_LABEL_COLUMNS = ("ev_col_label", "ev_col_precision", "ev_col_recall", "ev_col_f1", "ev_col_support",
                     "ev_col_threshold")


def card_summary(classifier: Classifier, lang: str) -> str:
    """What the model card says (what it is, data, training, per-label test scores) in the reader's language,
    built from classifier.json rather than translated from the English README."""
    info, args = classifier.info, classifier.info.get("training_args", {})
    data = info.get("data", {})
    summary = t("pred_card_summary", lang, base=info.get("base_model", "?"), method=info.get("method", "?"),
                n_labels=len(classifier.labels), n_dev=f"{data.get('n_dev', 0):,}", max_length=classifier.max_length,
                data=escape(str(args.get("data", "?")).rstrip("/").rsplit("/", 1)[-1], markdown=True),
                n_train=f"{data.get('n_train', 0):,}", n_test=f"{data.get('n_test', 0):,}",
                epochs=args.get("epochs", "?"), lr=args.get("lr", "?"), batch=args.get("batch_size", "?"),
                seed=args.get("seed", "?"), minutes=round(float(info.get("training_seconds", 0)) / 60, 1))
    per_label = classifier.metrics.get("test", {}).get("per_label", {})
    if not per_label:
        return summary
    rows = ["| " + " | ".join(t(key, lang) for key in PER_LABEL_COLUMNS) + " |", "|---|---|---|---|---|---|"]
    for label, threshold in zip(classifier.labels, classifier.thresholds):
        m = per_label.get(label)
        if m:
            rows.append(f"| {escape(label_text(label, lang), markdown=True)} | {m['precision']:.3f} | "
                        f"{m['recall']:.3f} | {m['f1']:.3f} | {m['support']} | {float(threshold):.2f} |")
    return summary + "\n\n" + t("pred_card_labels", lang) + "\n\n" + "\n".join(rows)
