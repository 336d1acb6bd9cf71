"""Plotly figures for the Polysemy tab: static space, contextual space, cosine matrix, layer curve.

Design decision: both spaces draw the sense anchors with the same colour per sense and the same
marker, so the student compares like with like: in the static space the target is one star among
the anchors; in the contextual space every occurrence is its own dot, coloured by its labelled
sense, hovering shows the sentence. All user text passes through ``safe_label``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components.core.figures import base_layout, safe_label
from components.polysemy.compute import Separation

__all__ = ["contextual_space_figure", "cosine_matrix_figure", "layer_curve_figure", "static_space_figure"]

PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#FF9DA6", "#9D755D")
GREY = "#888888"


def sense_colors(senses: Sequence[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(dict.fromkeys(senses))}


def _anchor_trace(fig: go.Figure, coords: np.ndarray, words: Sequence[str], senses: Sequence[str],
                  colors: dict[str, str]) -> None:
    if not len(words):
        return
    fig.add_scatter(
        x=coords[:, 0].tolist(), y=coords[:, 1].tolist(), mode="markers+text", name="anchor words",
        text=[safe_label(w, 20) for w in words], textposition="top center",
        marker=dict(symbol="diamond-open", size=11, line=dict(width=2),
                    color=[colors.get(s, GREY) for s in senses]),
        customdata=[safe_label(s, 30) for s in senses],
        hovertemplate="anchor %{text} (%{customdata})<extra></extra>",
    )


def _axes(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(showticklabels=False, title="UMAP 1", zeroline=False)
    fig.update_yaxes(showticklabels=False, title="UMAP 2", zeroline=False)
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return fig


def static_space_figure(coords: np.ndarray, target: str, n_sentences: int, anchor_words: Sequence[str],
                        anchor_senses: Sequence[str], all_senses: Sequence[str], label: str) -> go.Figure:
    """``coords[0]`` is the target's single vector, the rest the anchors."""
    colors = sense_colors(all_senses)
    fig = go.Figure()
    _anchor_trace(fig, coords[1:], anchor_words, anchor_senses, colors)
    fig.add_scatter(
        x=[float(coords[0, 0])], y=[float(coords[0, 1])], mode="markers+text", name=safe_label(target, 20),
        text=[safe_label(target, 20)], textposition="bottom center",
        marker=dict(symbol="star", size=22, color="#222222"),
        hovertemplate=safe_label(target, 20) + f": the same vector in all {n_sentences} sentences<extra></extra>",
    )
    base_layout(fig, f"Static space: one point for '{target}'", height=460)
    _axes(fig)
    fig.update_xaxes(title=f"UMAP 1 · {safe_label(label, 90)}")
    return fig


def contextual_space_figure(coords: np.ndarray, senses: Sequence[str], texts: Sequence[str],
                            anchor_coords: np.ndarray, anchor_words: Sequence[str],
                            anchor_senses: Sequence[str], target: str, layer: int, n_layers: int,
                            model_label: str) -> go.Figure:
    """One dot per occurrence, one trace per sense; hover shows the sentence."""
    colors = sense_colors(senses)
    fig = go.Figure()
    labels = np.asarray(senses)
    for sense, color in colors.items():
        rows = np.flatnonzero(labels == sense)
        fig.add_scatter(
            x=coords[rows, 0].tolist(), y=coords[rows, 1].tolist(), mode="markers", name=safe_label(sense, 30),
            marker=dict(size=12, color=color, line=dict(width=1, color="white")),
            customdata=[safe_label(texts[i], 90) for i in rows],
            hovertemplate="%{customdata}<extra>" + safe_label(sense, 30) + "</extra>",
        )
    _anchor_trace(fig, anchor_coords, anchor_words, anchor_senses, colors)
    base_layout(fig, f"Contextual space: '{target}' in each sentence, layer {layer} of {n_layers} ({model_label})",
                height=460)
    return _axes(fig)


def cosine_matrix_figure(sims: np.ndarray, senses: Sequence[str], texts: Sequence[str], layer: int) -> go.Figure:
    """Cosine similarity between occurrences, rows grouped by sense."""
    order = sorted(range(len(senses)), key=lambda i: (list(dict.fromkeys(senses)).index(senses[i]), i))
    ticks = [f"{safe_label(senses[i], 14)} {i + 1}" for i in order]
    hover = [[f"{safe_label(texts[i], 60)}<br>{safe_label(texts[j], 60)}" for j in order] for i in order]
    fig = go.Figure(go.Heatmap(
        z=np.round(sims[np.ix_(order, order)], 4).tolist(), x=list(range(len(order))), y=list(range(len(order))),
        colorscale="Viridis", customdata=hover, colorbar=dict(title="cosine"),
        hovertemplate="%{customdata}<br>cosine %{z:.3f}<extra></extra>",
    ))
    base_layout(fig, f"Cosine similarity between occurrences (layer {layer})", height=520)
    axis = dict(tickmode="array", tickvals=list(range(len(order))), ticktext=ticks, tickfont=dict(size=10))
    fig.update_layout(xaxis=dict(axis, tickangle=-60), yaxis=dict(axis, autorange="reversed"))
    return fig


def layer_curve_figure(curve: Sequence[Separation], static: Separation | None, static_label: str,
                       best: int, current: int) -> go.Figure:
    """Per layer: within-minus-across cosine (left axis) and 1-NN accuracy (right), static flat lines."""
    layers = list(range(len(curve)))
    fig = go.Figure()
    fig.add_scatter(x=layers, y=[c.gap for c in curve], mode="lines+markers", name="within − across cosine",
                    line=dict(color=PALETTE[0], width=3))
    fig.add_scatter(x=layers, y=[c.knn_accuracy for c in curve], mode="lines+markers", yaxis="y2",
                    name="1-NN sense accuracy (leave-one-out)", line=dict(color=PALETTE[1], width=3))
    if static is not None:  # one vector for every occurrence: the same value at every "layer"
        fig.add_scatter(x=layers, y=[static.gap] * len(layers), mode="lines", line=dict(color=PALETTE[0], dash="dash"),
                        name=f"static: within − across ({safe_label(static_label, 40)})")
        fig.add_scatter(x=layers, y=[static.knn_accuracy] * len(layers), mode="lines", yaxis="y2",
                        line=dict(color=PALETTE[1], dash="dash"), name="static: 1-NN accuracy (chance)")
    fig.add_vline(x=best, line=dict(color=GREY, dash="dot"), annotation_text=f"best layer {best}")
    if current != best:
        fig.add_vline(x=current, line=dict(color="#222222", width=1), annotation_text=f"shown {current}",
                      annotation_position="bottom right")
    base_layout(fig, "How far apart the senses are, layer by layer", height=440)
    fig.update_layout(
        xaxis=dict(title="layer (0 = embedding output)", tickmode="array", tickvals=layers),
        yaxis=dict(title="within − across cosine"),
        yaxis2=dict(title="1-NN accuracy", overlaying="y", side="right", range=[0, 1.05]),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
