"""The co-occurrence figure: true labels against predicted labels, counts of sentences (multi-label aware).

Design decision: the colour is each cell's share of its row (the sentences that truly carry the row's label),
not its count: on GoEmotions *neutral* has a third of the rows, and coloured by counts every other row was
white. By share the diagonal is each label's recall and a row's other cells are where its sentences went
(a multi-label row may add up to more than 1); the count is on hover.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.core.classifier import label_text
from components.core.messages import t
from components.core.text import escape

__all__ = ["cooccurrence_figure", "row_shares"]


def row_shares(counts: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Cell (i, j) over the sentences whose true labels include i (0 for a label with none)."""
    support = np.asarray(support, dtype=float)[:, None]
    return np.divide(counts, support, out=np.zeros(counts.shape, dtype=float), where=support > 0)


def cooccurrence_figure(counts: np.ndarray, support: np.ndarray, labels, lang: str) -> go.Figure:
    names = [escape(label_text(n, lang)) for n in labels]
    shares = row_shares(counts, support)
    hover = [[t("ev_fig_hover", lang, true=a, pred=b, n=int(counts[i, j]), total=int(support[i]),
                share=f"{shares[i, j]:.0%}") for j, b in enumerate(names)] for i, a in enumerate(names)]
    fig = go.Figure(go.Heatmap(z=np.round(shares, 4), x=names, y=names, colorscale="Blues", zmin=0, zmax=1,
                               text=hover, hovertemplate="%{text}<extra></extra>",
                               colorbar=dict(title=dict(text=t("ev_fig_colour", lang)), tickformat=".0%")))
    fig.update_layout(title=t("ev_fig_title", lang), xaxis_title=t("ev_fig_pred", lang),
                      xaxis_tickangle=-45,  # 28 names run together unless slanted (Chinese ones too)
                      yaxis_title=t("ev_fig_true", lang), yaxis_autorange="reversed",
                      height=max(360, 22 * len(names) + 160), margin=dict(l=110, b=110))
    return fig
