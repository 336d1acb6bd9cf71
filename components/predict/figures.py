"""The Predict lesson's figure: every label's score, sorted, each with its threshold."""

from __future__ import annotations

import plotly.graph_objects as go

from components.core.classifier import label_text
from components.core.figures import export_name, figure, safe_label
from components.core.messages import t
from components.predict.compute import Prediction

__all__ = ["label_scores_figure"]


def label_scores_figure(pred: Prediction, lang: str, text: str = "") -> go.Figure:
    """Sorted horizontal bars of every label's score, each label's threshold marked (multi-label)."""
    order = list(reversed(sorted(range(len(pred.labels)), key=lambda i: -pred.probs[i])))  # highest on top
    names = [safe_label(label_text(pred.labels[i], lang)) for i in order]
    score = t("pred_fig_score" if pred.activation == "none" else "pred_fig_probability", lang)
    data = [dict(type="bar", x=[float(pred.probs[i]) for i in order], y=names, orientation="h", name=score,
                 marker=dict(color=["#E45756" if pred.chosen[i] else "#9DB4CF" for i in order]),
                 hovertemplate="%{y}: %{x:.3f}<extra></extra>")]
    if pred.multi_label:
        threshold = t("pred_fig_threshold", lang)
        data.append(dict(type="scatter", x=[float(pred.thresholds[i]) for i in order], y=names, mode="markers",
                         name=threshold, marker=dict(symbol="line-ns", size=18, line=dict(width=3, color="#222")),
                         hovertemplate="%{y} " + threshold + ": %{x:.2f}<extra></extra>"))
    title = t("pred_fig_title" if pred.understood else "pred_fig_title_unread", lang)
    xaxis = dict(title=dict(text=score)) if pred.activation == "none" else dict(range=[0, 1], title=dict(text=score))
    return figure(data, dict(xaxis=xaxis, yaxis=dict(automargin=True), legend=dict(orientation="h", y=-0.08),
                             bargap=0.25),
                  title, height=max(360, 22 * len(pred.labels) + 120), export=export_name("predict", text))
