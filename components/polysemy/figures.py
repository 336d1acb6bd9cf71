"""Plotly figures for the Polysemy tab: static space, contextual space, cosine matrix, layer curve.

Design decision: both spaces draw the sense anchors with the same colour per sense and the same
marker, so the student compares like with like: in the static space the target is one star among
the anchors; in the contextual space every occurrence is its own dot, coloured by its labelled
sense, hovering shows the sentence. What a map cannot show by position is written *on* it: points
that are the same vector and coincide, a linear map where UMAP has too few points. Every text is
rendered in the student's language; every piece of user text passes through ``safe_label``, and
figures carry only what they draw (the matrix's hover names rows by number and sense, the
sentences are in the map's hover and the coordinates table).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from components.core.figures import base_layout, export_name, safe_label
from components.core.messages import Msg, render, t
from components.polysemy.projection import Projection
from components.polysemy.study import Study

__all__ = ["contextual_space_figure", "cosine_matrix_figure", "layer_curve_figure", "sense_colors", "short_name",
           "static_space_figure"]

PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#FF9DA6", "#9D755D")
GREY = "#888888"


def sense_colors(senses: Sequence[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(dict.fromkeys(senses))}


def _say(message: Msg, lang: str) -> str:
    """A message for plotly: user text inside it escaped, long lines wrapped with <br>."""
    text = render(message, lang, escape=lambda s: safe_label(s, 40))
    width = 40 if lang == "zh" else 80
    return "<br>".join(textwrap.wrap(text, width, break_long_words=lang == "zh"))


def _notice(fig: go.Figure, lines: list[str], y: float = 0.0) -> None:
    if lines:
        fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0.5, y=y, showarrow=False,
                           yanchor="bottom", align="left", bgcolor="rgba(255,255,255,0.85)", bordercolor=GREY,
                           borderwidth=1, font=dict(size=12))


def short_name(model: str) -> str:
    """A model as a figure names it: 'minilm', 'bert-base-chinese', a local folder by its own name."""
    return model.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or model


def _subtitle(fig: go.Figure, title: str, sub: str) -> None:
    """A second, smaller title line (both escaped here: base_layout escapes a one-line title itself)."""
    fig.update_layout(title=dict(text=f"{safe_label(title, 120)}<br><sup>{safe_label(sub, 120)}</sup>"),
                      margin=dict(t=80))


def _axes(fig: go.Figure, method: str, lang: str) -> go.Figure:
    label = method.upper()
    fig.update_xaxes(showticklabels=False, zeroline=False, title=t("poly_fig_axis", lang, method=label, n=1))
    fig.update_yaxes(showticklabels=False, zeroline=False, title=t("poly_fig_axis", lang, method=label, n=2))
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return fig


def _anchor_trace(fig: go.Figure, coords: np.ndarray, words: Sequence[str], senses: Sequence[str],
                  colors: dict[str, str], lang: str) -> None:
    if not len(words):
        return
    fig.add_scatter(
        x=np.round(coords[:, 0], 3).tolist(), y=np.round(coords[:, 1], 3).tolist(), mode="markers+text",
        name=t("poly_fig_anchors", lang), text=[safe_label(w, 20) for w in words], textposition="top center",
        marker=dict(symbol="diamond-open", size=11, line=dict(width=2), color=[colors.get(s, GREY) for s in senses]),
        customdata=[_say(Msg("poly_fig_anchor_hover", word=w, sense=s), lang) for w, s in zip(words, senses)],
        hovertemplate="%{customdata}<extra></extra>",
    )


def static_space_figure(study: Study, projection: Projection | None, lang: str) -> go.Figure:
    """The target's static vector (a star per written form, usually one) among the anchors' vectors."""
    fig = go.Figure()
    key = "poly_fig_static_title" if len(study.static_forms) <= 1 else "poly_fig_static_title_forms"
    title = t(key, lang, target=study.target)
    if projection is None:
        _notice(fig, [_say(Msg("poly_fig_static_absent", target=study.target, label=study.static.label), lang)], 0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return base_layout(fig, title, height=460, export=export_name("polysemy-static", study.target))
    n_forms = len(study.static_forms)
    colors = sense_colors(study.occurrences.senses)
    anchors = study.static_anchors
    _anchor_trace(fig, projection.coords[n_forms:], [w for w, _ in anchors], [s for _, s in anchors], colors, lang)
    n = len(study.occurrences.lines)
    for i, form in enumerate(study.static_forms):
        fig.add_scatter(
            x=[round(float(projection.coords[i, 0]), 3)], y=[round(float(projection.coords[i, 1]), 3)],
            mode="markers+text", name=safe_label(form, 20), text=[safe_label(form, 20)], textposition="bottom center",
            marker=dict(symbol="star", size=22, color="#222222"),
            hovertemplate=_say(Msg("poly_fig_static_hover", word=form, n=n), lang) + "<extra></extra>")
    base_layout(fig, title, height=460, export=export_name("polysemy-static", study.target))
    _subtitle(fig, title, render(study.static.label, lang))
    return _axes(fig, projection.method, lang)


def contextual_space_figure(study: Study, projection: Projection, layer: int, lang: str) -> go.Figure:
    """One dot per occurrence, one trace per sense (hover: the sentence), then the anchors."""
    occ = study.occurrences
    n = len(occ.lines)
    senses = occ.senses
    colors = sense_colors(senses)
    labels = np.asarray(senses)
    coords = projection.coords
    fig = go.Figure()
    for sense, color in colors.items():
        rows = np.flatnonzero(labels == sense)
        fig.add_scatter(
            x=np.round(coords[rows, 0], 3).tolist(), y=np.round(coords[rows, 1], 3).tolist(), mode="markers",
            name=safe_label(sense, 30), marker=dict(size=12, color=color, line=dict(width=1, color="white")),
            customdata=[f"#{i + 1} {safe_label(occ.lines[i].text, 90)}" for i in rows],
            hovertemplate="%{customdata}<extra>" + safe_label(sense, 30) + "</extra>")
    _anchor_trace(fig, coords[n:], study.anchor_words, study.anchor_senses, colors, lang)
    notes = []
    distinct = len(np.unique(projection.groups[:n]))
    if distinct < n:
        key = "poly_fig_coincide_all" if distinct == 1 else "poly_fig_coincide"
        notes.append(_say(Msg(key, layer=layer, n=n, k=distinct), lang))
        if layer == 0:
            notes.append(_say(Msg("poly_fig_layer0_why"), lang))
    if projection.method == "pca" and projection.distinct > 1:
        notes.append(_say(Msg("poly_fig_linear", k=projection.distinct), lang))
    _notice(fig, notes)
    title = t("poly_fig_context_title", lang, target=study.target)
    base_layout(fig, title, height=460, export=export_name(f"polysemy-layer{layer}", study.target))
    _subtitle(fig, title, t("poly_fig_context_sub", lang, layer=layer, last=study.n_layers,
                            model=short_name(study.model_name)))
    return _axes(fig, projection.method, lang)


def cosine_matrix_figure(study: Study, sims: np.ndarray, layer: int, lang: str) -> go.Figure:
    """Cosine similarity between occurrences, rows grouped by sense, named '#line sense'."""
    senses = study.occurrences.senses
    first = list(dict.fromkeys(senses))
    order = sorted(range(len(senses)), key=lambda i: (first.index(senses[i]), i))
    ticks = [f"#{i + 1} {safe_label(senses[i], 14)}" for i in order]
    hover = t("poly_fig_cosine_hover", lang, a="%{y}", b="%{x}")
    fig = go.Figure(go.Heatmap(
        z=np.round(sims[np.ix_(order, order)], 3).tolist(), x=ticks, y=ticks, colorscale="Viridis",
        colorbar=dict(title=t("poly_fig_cosine", lang)),
        hovertemplate=hover + "<br>" + t("poly_fig_cosine", lang) + " %{z:.3f}<extra></extra>"))
    base_layout(fig, t("poly_fig_matrix_title", lang, layer=layer), height=520,
                export=export_name(f"polysemy-cosine-layer{layer}", study.target))
    fig.update_layout(xaxis=dict(tickangle=-60, tickfont=dict(size=10), type="category"),
                      yaxis=dict(autorange="reversed", tickfont=dict(size=10), type="category"))
    return fig


def layer_curve_figure(study: Study, shown: int, lang: str) -> go.Figure:
    """Per layer: within-minus-across cosine (left axis) and 1-NN accuracy (right), the static baseline flat."""
    fig = go.Figure()
    export = export_name("polysemy-separation", study.target)
    title = t("poly_fig_curve_title", lang)
    if study.curve is None:
        _notice(fig, [_say(study.problem, lang)], 0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return base_layout(fig, title, height=440, export=export)
    layers = list(range(len(study.curve)))
    gap, knn = t("poly_fig_gap", lang), t("poly_fig_knn", lang)
    fig.add_scatter(x=layers, y=[round(c.gap, 4) for c in study.curve], mode="lines+markers", name=gap,
                    line=dict(color=PALETTE[0], width=3))
    fig.add_scatter(x=layers, y=[round(c.knn_accuracy, 4) for c in study.curve], mode="lines+markers", yaxis="y2",
                    name=knn, line=dict(color=PALETTE[1], width=3))
    static = study.static_separation
    if static is not None:  # one vector for every occurrence: the same value at every "layer"
        fig.add_scatter(x=layers, y=[round(static.gap, 4)] * len(layers), mode="lines",
                        name=t("poly_fig_static_gap", lang),
                        line=dict(color=PALETTE[0], dash="dash"))
        fig.add_scatter(x=layers, y=[round(static.knn_accuracy, 4)] * len(layers), mode="lines", yaxis="y2",
                        line=dict(color=PALETTE[1], dash="dash"), name=t("poly_fig_static_knn", lang))
    best = study.best_layer
    fig.add_vline(x=best, line=dict(color=GREY, dash="dot"), annotation_text=t("poly_fig_best", lang, layer=best))
    if shown != best:
        fig.add_vline(x=shown, line=dict(color="#222222", width=1), annotation_position="bottom right",
                      annotation_text=t("poly_fig_shown", lang, layer=shown))
    base_layout(fig, title, height=440, export=export)
    fig.update_layout(
        xaxis=dict(title=t("poly_fig_layer_axis", lang), tickmode="array", tickvals=layers),
        yaxis=dict(title=gap), yaxis2=dict(title=t("poly_fig_knn_axis", lang), overlaying="y", side="right",
                                           range=[0, 1.05]),
        legend=dict(orientation="h", y=-0.3))
    return fig
