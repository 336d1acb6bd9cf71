"""The Predict lesson's figures: every label's score, sorted, each with its threshold; and for two sentences
(a minimal pair) both scores of every label beside its change.

Design decision: the change of a label is drawn as a diverging bar from zero, red up and blue down as in
Explain, and the two sentences' own scores in two greys, so colour never means two things in one figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.core.classifier import label_text
from components.core.figures import FONT, base_layout, export_name, figure, safe_label
from components.core.messages import t
from components.core.text import number
from components.predict.compute import Prediction

__all__ = ["UP", "DOWN", "change_figure", "label_scores_figure"]

UP, DOWN = "#D6404E", "#3B6FB6"  # the change: red up, blue down (Explain's colours)
FIRST, SECOND = "#B4BECB", "#4A5568"  # the two sentences' own scores


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


def change_figure(labels: Sequence[str], first: np.ndarray, second: np.ndarray, lang: str, *,
                  probability: bool = True, text: str = "") -> go.Figure:
    """Left: each label's score for sentence 1 and sentence 2; right: the change (2 − 1) as a diverging bar.
    Labels are sorted by their change, the largest rise on top."""
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    change = second - first
    order = list(np.argsort(change, kind="stable"))  # plotly draws the first row at the bottom
    names = [safe_label(label_text(labels[i], lang)) for i in order]
    one, two = t("pred_cmp_first", lang), t("pred_cmp_second", lang)
    score = t("pred_fig_probability" if probability else "pred_fig_score", lang)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[t("pred_cmp_scores", lang, what=score), t("pred_cmp_change", lang)])
    for name, values, color in ((one, first, FIRST), (two, second, SECOND)):
        fig.add_bar(x=[float(values[i]) for i in order], y=names, orientation="h", name=name, marker_color=color,
                    customdata=[number(values[i]) for i in order],
                    hovertemplate="%{y}: %{customdata}<extra>" + name + "</extra>", row=1, col=1)
    fig.add_bar(x=[float(change[i]) for i in order], y=names, orientation="h", showlegend=False,
                name=t("pred_cmp_change", lang), marker_color=[UP if change[i] >= 0 else DOWN for i in order],
                customdata=[number(change[i], sign=True) for i in order],
                hovertemplate="%{y}: %{customdata}<extra></extra>", row=1, col=2)
    bound = max(float(np.abs(change).max()), 0.05) * 1.1
    base_layout(fig, t("pred_cmp_title", lang), height=max(380, 22 * len(labels) + 140),
                export=export_name("predict-compare", text))
    fig.update_layout(barmode="group", bargap=0.2, legend=dict(orientation="h", y=-0.06),
                      yaxis=dict(automargin=True))
    fig.update_xaxes(range=[0, 1] if probability else None, title=score, row=1, col=1)
    fig.update_xaxes(range=[-bound, bound], zeroline=True, zerolinecolor="#555", exponentformat="none",
                     title=t("pred_cmp_change_axis", lang), row=1, col=2)
    fig.update_annotations(font=dict(size=13, family=FONT["family"]))
    return fig
