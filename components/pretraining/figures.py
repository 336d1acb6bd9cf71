"""The Pre-training lesson's figures: top-k bars per blank, each [MASK]'s attention row, and a strip of
pieces coloured by what happened to them (the recipe's draw, or the segments of the NSP input).

Design decision: a sentence's pieces are drawn as a heatmap of cells, wrapped every ``WRAP``
pieces, each cell's text the piece itself: it exports to PNG/SVG like any plotly figure, stays
readable in Chinese, and the categories (one legend entry each) are data a test can read.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.core.analysis import Analysis
from components.core.figures import base_layout, export_name, safe_label, token_ticks
from components.core.messages import t
from components.pretraining.compute import FillResult
from components.pretraining.recipe import KINDS, Draw

__all__ = ["attention_figure", "fill_figure", "nsp_input_figure", "recipe_figure"]

KIND_KEYS = {
    "special": "pre_kind_special", "unchosen": "pre_kind_unchosen", "mask": "pre_kind_mask",
    "random": "pre_kind_random", "kept": "pre_kind_kept",
}

WRAP = 14
KIND_COLORS = {"special": "#D9D9D9", "unchosen": "#F4F4F4", "mask": "#E45756", "random": "#B279A2", "kept": "#54A24B"}
SEGMENT_COLORS = ("#9DC3E6", "#F8CBAD")


def fill_figure(result: FillResult, lang: str, text: str = "") -> go.Figure:
    """One panel of horizontal bars per blank, the most probable piece on top."""
    n = len(result.masks)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    titles = [safe_label(t("pre_fig_blank_answer", lang, n=i + 1, answer=m.answer) if m.answer
                         else t("pre_fig_blank", lang, n=i + 1), 60) for i, m in enumerate(result.masks)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.18,
                        vertical_spacing=min(0.12, 0.5 / rows))
    probability = t("pre_fig_probability", lang)
    for i, mask in enumerate(result.masks):
        labels = [safe_label(p, 24) for p in mask.pieces][::-1]
        colors = ["#E45756" if p == mask.answer else "#4C78A8" for p in mask.pieces][::-1]
        fig.add_bar(x=list(mask.probs)[::-1], y=labels, orientation="h", marker_color=colors, showlegend=False,
                    name=t("pre_fig_blank", lang, n=i + 1), row=i // cols + 1, col=i % cols + 1,
                    hovertemplate="%{y}: %{x:.3f}<extra></extra>")
    k = max(len(m.pieces) for m in result.masks)
    base_layout(fig, t("pre_fig_fill_title", lang, k=k), height=max(300, rows * (26 * k + 70) + 90),
                export=export_name("fill-mask", text))
    fig.update_xaxes(title_text=probability, rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return fig


def attention_figure(result: FillResult, lang: str, n_heads: int, text: str = "") -> go.Figure:
    """Each blank's attention row (mean of the layer's heads) over the pieces BERT read."""
    names = [t("pre_fig_blank", lang, n=i + 1) for i in range(len(result.masks))]
    hover = t("pre_fig_attention", lang)
    fig = go.Figure(go.Heatmap(z=result.attention, x=list(range(len(result.tokens))), y=names, zmin=0,
                               zmax=float(result.attention.max()), colorscale="Blues", colorbar=dict(title=hover),
                               customdata=[[safe_label(tok) for tok in result.tokens]] * len(names),
                               hovertemplate="%{y} → %{customdata}: %{z:.3f}<extra></extra>"))
    base_layout(fig, t("pre_fig_attention_title", lang, layer=result.layer, heads=n_heads),
                height=max(300, 200 + 34 * len(names)), export=export_name("mask-attention", text))
    fig.update_layout(xaxis=dict(title=t("pre_fig_attention_x", lang), **token_ticks(result.tokens)),
                      yaxis=dict(autorange="reversed"))
    return fig


def _strip(cells: list[str], categories: list[int], names: list[str], colors: list[str], title: str,
           export: str, lang: str) -> go.Figure:
    """Pieces as coloured cells, WRAP per row; one legend entry per category that occurs."""
    rows = max(1, math.ceil(len(cells) / WRAP))
    pad = rows * WRAP - len(cells)
    z = [(categories + [None] * pad)[r * WRAP:(r + 1) * WRAP] for r in range(rows)]
    text = [(cells + [""] * pad)[r * WRAP:(r + 1) * WRAP] for r in range(rows)]
    where = [[t("pre_fig_position", lang, i=r * WRAP + c) if r * WRAP + c < len(cells) else ""
              for c in range(WRAP)] for r in range(rows)]
    n = len(colors)
    scale = [[edge, colors[i]] for i in range(n) for edge in (i / n, (i + 1) / n)]  # one flat colour per category
    fig = go.Figure(go.Heatmap(z=z, text=text, texttemplate="%{text}", customdata=where, zmin=-0.5, zmax=n - 0.5,
                               colorscale=scale, showscale=False, xgap=3, ygap=3,
                               hovertemplate="%{customdata}: %{text}<extra></extra>"))
    for index in sorted(set(categories)):
        fig.add_scatter(x=[None], y=[None], mode="markers", name=names[index],
                        marker=dict(symbol="square", size=14, color=colors[index]))
    base_layout(fig, title, height=150 + 58 * rows, export=export)
    fig.update_layout(xaxis=dict(visible=False), yaxis=dict(visible=False, autorange="reversed"),
                      legend=dict(orientation="h", y=-0.05), font=dict(size=13))
    return fig


def recipe_figure(result: Draw, shown: tuple[str, ...], lang: str, text: str = "") -> go.Figure:
    """The sentence's pieces coloured by what the recipe did to each; a replaced piece shows what BERT read."""
    cells = []
    for original, read, kind in zip(result.analysis.tokens, shown, result.kinds):
        label = safe_label(original, 16)
        cells.append(f"{label}<br>→ {safe_label(read, 16)}" if kind in ("mask", "random") else label)
    categories = [KINDS.index(k) for k in result.kinds]
    names = [t(KIND_KEYS[k], lang) for k in KINDS]
    return _strip(cells, categories, names, [KIND_COLORS[k] for k in KINDS],
                  t("pre_fig_recipe_title", lang, seed=result.seed), export_name("recipe", text), lang)


def nsp_input_figure(analysis: Analysis, lang: str) -> go.Figure:
    """[CLS] A [SEP] B [SEP], each piece with its segment id, coloured by segment."""
    cells = [f"{safe_label(tok, 16)}<br>{int(seg)}" for tok, seg in zip(analysis.tokens, analysis.segment_ids)]
    categories = [int(s) for s in analysis.segment_ids]
    names = [t("pre_segment_a", lang), t("pre_segment_b", lang)]
    return _strip(cells, categories, names, list(SEGMENT_COLORS), t("pre_fig_nsp_title", lang),
                  export_name("next-sentence", f"{analysis.text} {analysis.text_pair or ''}"), lang)
