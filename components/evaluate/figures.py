"""The co-occurrence figure: true labels against predicted labels, counts of sentences (multi-label aware)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from components.core.classifier import label_text
from components.core.messages import t
from components.core.text import escape

__all__ = ["cooccurrence_figure"]


def cooccurrence_figure(counts: np.ndarray, labels, lang: str) -> go.Figure:
    names = [escape(label_text(n, lang)) for n in labels]
    hover = [[t("ev_fig_hover", lang, true=a, pred=b, n=int(counts[i, j])) for j, b in enumerate(names)]
             for i, a in enumerate(names)]
    fig = go.Figure(go.Heatmap(z=counts, x=names, y=names, colorscale="Blues", text=hover,
                               hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(title=t("ev_fig_title", lang), xaxis_title=t("ev_fig_pred", lang),
                      yaxis_title=t("ev_fig_true", lang), yaxis_autorange="reversed",
                      height=max(360, 22 * len(names) + 160), margin=dict(l=110, b=110))
    return fig
