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
    if lang == "en":
        lines.append(classifier.card if classifier.info else escape(classifier.card, markdown=True))
    elif classifier.card:
        lines.append(t("pred_card_en_only", lang))
    return "\n".join(lines)
