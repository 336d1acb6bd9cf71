"""Shared plotly conventions and the small figures (token embeddings, label scores).

Design decision: every label that comes from user text goes through ``safe_label`` (plotly
interprets a subset of HTML in text), and token axes are numeric with ``ticktext``, because a
categorical axis silently merges repeated tokens ("the ... the").
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

if TYPE_CHECKING:
    from components.tokens.compute import TokenTable

FONT = dict(family="Noto Sans, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif", size=14)
COLORS = {"token": "#4C78A8", "segment": "#F58518", "position": "#54A24B", "input": "#B279A2"}


def safe_label(text: str, limit: int = 40) -> str:
    """Escape user text for plotly (no tags, no entities interpreted) and bound its length."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def token_ticks(tokens: Sequence[str]) -> dict:
    """Axis settings that show every token, repeated ones included, horizontally (CJK stays readable)."""
    return dict(tickmode="array", tickvals=list(range(len(tokens))),
                ticktext=[safe_label(t, 16) for t in tokens], tickangle=0 if len(tokens) <= 24 else -60)


def base_layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(title=dict(text=safe_label(title, 120)), font=FONT, height=height,
                      margin=dict(l=60, r=20, t=60, b=60), template="plotly_white")
    return fig


def embedding_norms_figure(table: TokenTable) -> go.Figure:
    """Grouped bars: how large each of the three input embeddings and their LayerNorm'd sum are."""
    tokens = [r.token for r in table.rows]
    xs = list(range(len(tokens)))
    fig = go.Figure()
    for key, name, values in (
        ("token", "token embedding", [r.token_norm for r in table.rows]),
        ("segment", "segment embedding", [r.segment_norm for r in table.rows]),
        ("position", "position embedding", [r.position_norm for r in table.rows]),
        ("input", "LayerNorm(sum) = encoder input", [r.input_norm for r in table.rows]),
    ):
        fig.add_bar(x=xs, y=values, name=name, marker_color=COLORS[key],
                    customdata=[safe_label(t) for t in tokens],
                    hovertemplate="%{customdata}<br>" + name + ": %{y:.2f}<extra></extra>")
    base_layout(fig, "Input embeddings per token (L2 norm)", height=380)
    fig.update_layout(barmode="group", xaxis=token_ticks(tokens), yaxis_title="L2 norm",
                      legend=dict(orientation="h", y=-0.25))
    return fig


def label_scores_figure(labels, probs, thresholds, chosen, title: str, show_thresholds: bool = True) -> go.Figure:
    """Sorted horizontal bars of every label's probability, each label's threshold marked."""
    order = list(reversed(sorted(range(len(labels)), key=lambda i: -probs[i])))  # highest on top
    names = [safe_label(labels[i]) for i in order]
    fig = go.Figure()
    fig.add_bar(
        x=[float(probs[i]) for i in order], y=names, orientation="h", name="probability",
        marker_color=["#E45756" if chosen[i] else "#9DB4CF" for i in order],
        hovertemplate="%{y}: %{x:.3f}<extra></extra>",
    )
    if show_thresholds:
        fig.add_scatter(
            x=[float(thresholds[i]) for i in order], y=names, mode="markers", name="threshold",
            marker=dict(symbol="line-ns", size=18, line=dict(width=3, color="#222")),
            hovertemplate="%{y} threshold: %{x:.2f}<extra></extra>",
        )
    base_layout(fig, title, height=max(360, 22 * len(labels) + 120))
    fig.update_layout(xaxis=dict(range=[0, 1], title="probability"), yaxis=dict(automargin=True),
                      legend=dict(orientation="h", y=-0.08), bargap=0.25)
    return fig
