"""Plotly figures for the Attention tab: one head, the head mean, every head, rollout.

Design decision: one heatmap builder serves every view; rows are the token that attends
(from), columns the token attended to (to), the y axis runs top-down like a reading order,
and a sentence pair gets a line at the segment boundary with A/B labels, so students read
all four views the same way. Token labels go through ``safe_label``/``token_ticks``; hover
text is built here from escaped labels, never from raw user text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.attention.compute import AttentionView
from components.core.figures import FONT, base_layout, safe_label, token_ticks

__all__ = ["attention_figure", "grid_figure", "heatmap_figure", "rollout_figure"]

COLORSCALE = "Blues"
HOVER_LIMIT = 64  # above this many tokens the per-cell hover text would weigh more than the picture
GRID_COLUMNS = 4


def _boundary(segment_ids: Sequence[int]) -> int | None:
    """Index of the first sentence-B token, if any."""
    for index, seg in enumerate(segment_ids):
        if seg == 1:
            return index
    return None


def _hover(tokens: Sequence[str]) -> np.ndarray:
    labels = [safe_label(t, 24) for t in tokens]
    return np.array([[[labels[i], labels[j]] for j in range(len(labels))] for i in range(len(labels))])


def _heatmap(matrix: np.ndarray, tokens: Sequence[str], *, show_scale: bool = True, name: str = "") -> go.Heatmap:
    n = len(tokens)
    trace = go.Heatmap(z=np.round(matrix, 3), x=list(range(n)), y=list(range(n)), colorscale=COLORSCALE,
                       zmin=0, zmax=float(max(matrix.max(), 1e-6)), showscale=show_scale, name=name,
                       colorbar=dict(title=dict(text="weight")))
    if n <= HOVER_LIMIT:
        trace.customdata = _hover(tokens)
        trace.hovertemplate = (f"{name}<br>" if name else "") + \
            "from <b>%{customdata[0]}</b><br>to <b>%{customdata[1]}</b><br>weight %{z:.3f}<extra></extra>"
    else:
        trace.hovertemplate = "from #%{y}<br>to #%{x}<br>weight %{z:.3f}<extra></extra>"
    return trace


def _mark_segments(fig: go.Figure, segment_ids: Sequence[int], row: int | None = None, col: int | None = None,
                   labels: bool = True) -> None:
    """A line at the sentence A/B boundary on both axes, and 'A'/'B' above the columns."""
    b = _boundary(segment_ids)
    if b is None:
        return
    n = len(segment_ids)
    line = dict(color="#F58518", width=2, dash="dash")
    kwargs = dict(row=row, col=col) if row is not None else {}
    fig.add_shape(type="line", x0=b - 0.5, x1=b - 0.5, y0=-0.5, y1=n - 0.5, line=line, **kwargs)
    fig.add_shape(type="line", x0=-0.5, x1=n - 0.5, y0=b - 0.5, y1=b - 0.5, line=line, **kwargs)
    if labels:
        for text, center in (("sentence A", (b - 1) / 2), ("sentence B", (b + n - 1) / 2)):
            fig.add_annotation(x=center, y=-0.5, yshift=8, text=text, showarrow=False, yanchor="bottom",
                               font=dict(color="#B85F00", size=13), **kwargs)


def heatmap_figure(view: AttentionView, title: str) -> go.Figure:
    """One (T, T) matrix: a single head, the head mean or a rollout layer."""
    tokens = view.tokens
    fig = go.Figure(_heatmap(view.matrix, tokens))
    _mark_segments(fig, view.segment_ids)
    size = min(max(420, 26 * len(tokens) + 160), 1100)
    base_layout(fig, title, height=size)
    fig.update_layout(xaxis=dict(**token_ticks(tokens), title="to (attended token)", side="bottom"),
                      yaxis=dict(**token_ticks(tokens), title="from (attending token)", autorange="reversed"),
                      margin=dict(l=110, r=20, t=80, b=90))
    fig.update_yaxes(tickangle=0)
    return fig


def grid_figure(view: AttentionView, title: str) -> go.Figure:
    """Every head of one layer as small heatmaps (make_subplots), one colour scale."""
    n_heads = view.matrix.shape[0]
    rows = math.ceil(n_heads / GRID_COLUMNS)
    fig = make_subplots(rows=rows, cols=GRID_COLUMNS, subplot_titles=[f"head {h}" for h in range(n_heads)],
                        horizontal_spacing=0.04, vertical_spacing=0.08 if rows < 4 else 0.05)
    zmax = float(max(view.matrix.max(), 1e-6))
    few = len(view.tokens) <= 16
    for head in range(n_heads):
        row, col = head // GRID_COLUMNS + 1, head % GRID_COLUMNS + 1
        trace = _heatmap(view.matrix[head], view.tokens, show_scale=head == 0, name=f"head {head}")
        trace.update(zmax=zmax)
        fig.add_trace(trace, row=row, col=col)
        _mark_segments(fig, view.segment_ids, row=row, col=col, labels=False)
    ticks = token_ticks(view.tokens) if few else dict(showticklabels=False)
    fig.update_xaxes(**ticks)
    fig.update_yaxes(**ticks, autorange="reversed")
    if few:
        fig.update_xaxes(tickangle=-60, tickfont=dict(size=10))
        fig.update_yaxes(tickangle=0, tickfont=dict(size=10))
    base_layout(fig, title, height=260 * rows + 100)
    fig.update_annotations(font=dict(size=13, family=FONT["family"]))
    return fig


def rollout_figure(view: AttentionView, title: str) -> go.Figure:
    """Top: what [CLS] finally draws on (bars). Bottom: the rollout matrix for every token."""
    tokens = view.tokens
    n = len(tokens)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.25, 0.75], vertical_spacing=0.1, shared_xaxes=True,
                        subplot_titles=[f"{'[CLS]' if 0 in view.kept else safe_label(tokens[0], 16)} draws on",
                                        "each token draws on (rows sum to 1)"])
    labels = [safe_label(t, 24) for t in tokens]
    cls_row = view.cls_row if view.cls_row is not None else view.matrix[0]
    fig.add_bar(x=list(range(n)), y=np.round(cls_row, 3), customdata=labels, marker_color="#4C78A8",
                hovertemplate="%{customdata}: %{y:.3f}<extra></extra>", showlegend=False, row=1, col=1)
    fig.add_trace(_heatmap(view.matrix, tokens), row=2, col=1)
    _mark_segments(fig, view.segment_ids, row=2, col=1, labels=False)
    base_layout(fig, title, height=min(max(560, 30 * n + 260), 1300))
    fig.update_xaxes(**token_ticks(tokens))
    fig.update_xaxes(title="to (input token)", row=2, col=1)
    fig.update_yaxes(**token_ticks(tokens), autorange="reversed", row=2, col=1)
    fig.update_yaxes(tickangle=0, title="from", row=2, col=1)
    fig.update_yaxes(title="share", row=1, col=1)
    fig.update_layout(margin=dict(l=110, r=20, t=80, b=90))
    return fig


def attention_figure(view: AttentionView, title: str) -> go.Figure:
    """The figure for any view of ``components.attention.compute``."""
    if view.view == "grid":
        return grid_figure(view, title)
    if view.view == "rollout":
        return rollout_figure(view, title)
    return heatmap_figure(view, title)
