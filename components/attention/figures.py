"""Plotly figures for the Attention tab: one head, the head mean, every head, rollout.

Long inputs: the all-heads grid averages blocks of tokens beyond ``GRID_CELLS`` per side (a 512-token
input would otherwise send three million numbers); the note says so.

Design decision: one heatmap builder serves every view; rows are the token that attends
(from), columns the token attended to (to), the y axis runs top-down like a reading order,
and a sentence pair gets a line at the segment boundary with A/B labels, so students read
all four views the same way. Two sentences compared (a minimal pair, not a sentence pair) are drawn
as their difference in red and blue, or side by side on one colour scale when their pieces differ.
Token labels go through ``safe_label``/``token_ticks``; hover text is built here from escaped labels,
never from raw user text.

Speed: the heatmaps name their rows and columns (categorical axes, one distinct category per
token: a repeated token's name gets zero-width spaces, invisible in the hover) and the hover
reads them, instead of a (T, T, 2) array of labels per cell: plotly turns such an array into
Python objects and cleans each one for JSON, 8-17 ms for 64 tokens against 0.3 ms for the two
axes. The single-map views are built in one step (``core.figures.figure``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.attention.compare import AttentionPair
from components.attention.compute import AttentionView
from components.core.figures import FONT, base_layout, export_name, figure, safe_label, token_ticks
from components.core.messages import t

__all__ = ["attention_figure", "compare_figure", "grid_figure", "heatmap_figure", "rollout_figure"]

COLORSCALE = "Blues"
HOVER_LIMIT = 64  # above this many tokens the per-cell hover text would weigh more than the picture
GRID_COLUMNS = 4
GRID_CELLS = 64  # per side of each small map: beyond it, blocks of tokens are averaged (the payload stays small)


def _boundary(segment_ids: Sequence[int]) -> int | None:
    """Index of the first sentence-B token, if any."""
    for index, seg in enumerate(segment_ids):
        if seg == 1:
            return index
    return None


def _hover(tokens: Sequence[str]) -> np.ndarray:
    labels = [safe_label(t, 24) for t in tokens]
    return np.array([[[labels[i], labels[j]] for j in range(len(labels))] for i in range(len(labels))])


def categories(tokens: Sequence[str]) -> list[str] | None:
    """One distinct axis category per token (its escaped label; a repeat gets zero-width spaces), or None
    beyond ``HOVER_LIMIT`` tokens, where the axes stay numeric and the hover gives positions."""
    if len(tokens) > HOVER_LIMIT:
        return None
    seen: dict[str, int] = {}
    out = []
    for token in tokens:
        label = safe_label(token, 24)
        out.append(label + "\u200b" * seen.get(label, 0))
        seen[label] = seen.get(label, 0) + 1
    return out


def _heatmap(matrix: np.ndarray, tokens: Sequence[str], lang: str, *, show_scale: bool = True,
             name: str = "", named: bool = False) -> dict:
    """The heatmap trace (a dict); ``named``: rows and columns are the tokens' categories, which the hover
    reads (see the module docstring), else a per-cell array of labels (a numeric axis shared with bars)."""
    weight, src, dst = t("attn_weight", lang), t("attn_hover_from", lang), t("attn_hover_to", lang)
    trace = dict(type="heatmap", z=np.round(matrix, 3).astype(np.float32), colorscale=COLORSCALE, zmin=0,
                 zmax=float(max(matrix.max(), 1e-6)), showscale=show_scale, name=name,
                 colorbar=dict(title=dict(text=weight)))
    names = categories(tokens)
    prefix = f"{name}<br>" if name else ""
    if names is None:
        trace["hovertemplate"] = f"{src} #%{{y}}<br>{dst} #%{{x}}<br>{weight} %{{z:.3f}}<extra></extra>"
    elif named:
        trace.update(x=names, y=names, hovertemplate=prefix + f"{src} <b>%{{y}}</b><br>{dst} <b>%{{x}}</b><br>"
                     f"{weight} %{{z:.3f}}<extra></extra>")
    else:
        trace.update(customdata=_hover(tokens), hovertemplate=prefix + f"{src} <b>%{{customdata[0]}}</b><br>{dst} "
                     f"<b>%{{customdata[1]}}</b><br>{weight} %{{z:.3f}}<extra></extra>")
    return trace


def _segment_marks(segment_ids: Sequence[int], lang: str, labels: bool = True,
                   scale: float = 1.0) -> tuple[list[dict], list[dict]]:
    """(shapes, annotations): a line at the sentence A/B boundary on both axes, and 'A'/'B' above the columns.
    Positions are in cells (a categorical axis places its n-th category at n too)."""
    b = _boundary(segment_ids)
    if b is None:
        return [], []
    n = len(segment_ids) / scale
    b = b / scale
    line = dict(color="#F58518", width=2, dash="dash")
    shapes = [dict(type="line", x0=b - 0.5, x1=b - 0.5, y0=-0.5, y1=n - 0.5, line=line),
              dict(type="line", x0=-0.5, x1=n - 0.5, y0=b - 0.5, y1=b - 0.5, line=line)]
    notes = [dict(x=center, y=-0.5, yshift=8, text=t(key, lang), showarrow=False, yanchor="bottom",
                  font=dict(color="#B85F00", size=13))
             for key, center in (("attn_sentence_a", (b - 1) / 2), ("attn_sentence_b", (b + n - 1) / 2))] if labels \
        else []
    return shapes, notes


def _mark_segments(fig: go.Figure, segment_ids: Sequence[int], lang: str, row: int, col: int, labels: bool = True,
                   scale: float = 1.0) -> None:
    """``_segment_marks`` drawn on one subplot."""
    shapes, notes = _segment_marks(segment_ids, lang, labels, scale)
    for shape in shapes:
        fig.add_shape(**shape, row=row, col=col)
    for note in notes:
        fig.add_annotation(**note, row=row, col=col)


def _bin(matrix: np.ndarray, size: int) -> np.ndarray:
    """(..., T, T) averaged over blocks of size x size tokens (the last block may be smaller)."""
    n = matrix.shape[-1]
    edges = np.arange(0, n, size)
    rows = np.add.reduceat(matrix, edges, axis=-2) / np.diff(np.append(edges, n))[:, None]
    return np.add.reduceat(rows, edges, axis=-1) / np.diff(np.append(edges, n))[None, :]


def heatmap_figure(view: AttentionView, title: str, lang: str, export: str) -> go.Figure:
    """One (T, T) matrix: a single head, the head mean or a rollout layer."""
    tokens = view.tokens
    shapes, notes = _segment_marks(view.segment_ids, lang)
    ticks = token_ticks(tokens, categories(tokens))
    layout = dict(xaxis=dict(**ticks, title=dict(text=t("attn_axis_to", lang)), side="bottom"),
                  yaxis=dict(**ticks | dict(tickangle=0), title=dict(text=t("attn_axis_from", lang)),
                             autorange="reversed"),
                  margin=dict(l=110, r=20, t=80, b=90), shapes=shapes, annotations=notes)
    return figure([_heatmap(view.matrix, tokens, lang, named=True)], layout, title,
                  height=min(max(420, 26 * len(tokens) + 160), 1100), export=export)


def grid_figure(view: AttentionView, title: str, lang: str, export: str) -> go.Figure:
    """Every head of one layer as small heatmaps (make_subplots), one colour scale; long inputs binned."""
    n_heads, n = view.matrix.shape[0], len(view.tokens)
    block = math.ceil(n / GRID_CELLS)
    matrix = _bin(view.matrix, block) if block > 1 else view.matrix
    rows = math.ceil(n_heads / GRID_COLUMNS)
    names = [t("attn_head_n", lang, head=h + 1) for h in range(n_heads)]
    fig = make_subplots(rows=rows, cols=GRID_COLUMNS, subplot_titles=names,
                        horizontal_spacing=0.04, vertical_spacing=0.08 if rows < 4 else 0.05)
    zmax = float(max(matrix.max(), 1e-6))
    few = n <= 16
    for head in range(n_heads):
        row, col = head // GRID_COLUMNS + 1, head % GRID_COLUMNS + 1
        tokens = view.tokens if block == 1 else [f"#{k * block}" for k in range(matrix.shape[-1])]
        trace = _heatmap(matrix[head], tokens, lang, show_scale=head == 0, name=names[head], named=True)
        trace.update(zmax=zmax)
        fig.add_trace(trace, row=row, col=col)
        _mark_segments(fig, view.segment_ids, lang, row=row, col=col, labels=False, scale=block)
    ticks = token_ticks(view.tokens, categories(view.tokens)) if few else dict(showticklabels=False)
    fig.update_xaxes(**ticks)
    fig.update_yaxes(**ticks, autorange="reversed")
    if few:
        fig.update_xaxes(tickangle=-60, tickfont=dict(size=10))
        fig.update_yaxes(tickangle=0, tickfont=dict(size=10))
    base_layout(fig, title, height=260 * rows + 100, export=export)
    fig.update_annotations(font=dict(size=13, family=FONT["family"]))
    return fig


def rollout_figure(view: AttentionView, title: str, lang: str, export: str) -> go.Figure:
    """Top: what [CLS] finally draws on (bars). Bottom: the rollout matrix for every token."""
    tokens = view.tokens
    n = len(tokens)
    source = "[CLS]" if 0 in view.kept else safe_label(tokens[0], 16)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.25, 0.75], vertical_spacing=0.1, shared_xaxes=True,
                        subplot_titles=[t("attn_draws_on", lang, token=source), t("attn_rows_draw_on", lang)])
    labels = [safe_label(tok, 24) for tok in tokens]
    cls_row = view.cls_row if view.cls_row is not None else view.matrix[0]
    fig.add_bar(x=list(range(n)), y=np.round(cls_row, 3), customdata=labels, marker_color="#4C78A8",
                hovertemplate="%{customdata}: %{y:.3f}<extra></extra>", showlegend=False, row=1, col=1)
    fig.add_trace(_heatmap(view.matrix, tokens, lang), row=2, col=1)
    _mark_segments(fig, view.segment_ids, lang, row=2, col=1, labels=False)
    base_layout(fig, title, height=min(max(560, 30 * n + 260), 1300), export=export)
    fig.update_xaxes(**token_ticks(tokens))
    fig.update_xaxes(title=t("attn_axis_to_input", lang), row=2, col=1)
    fig.update_yaxes(**token_ticks(tokens), autorange="reversed", row=2, col=1)
    fig.update_yaxes(tickangle=0, title=t("attn_axis_from_short", lang), row=2, col=1)
    fig.update_yaxes(title=t("attn_axis_share", lang), row=1, col=1)
    fig.update_layout(margin=dict(l=110, r=20, t=80, b=90))
    return fig


def attention_figure(view: AttentionView, title: str, lang: str = "en", text: str = "") -> go.Figure:
    """The figure for any view of ``components.attention.compute``."""
    export = export_name(f"attention-{view.view}", text)
    if view.view == "grid":
        return grid_figure(view, title, lang, export)
    if view.view == "rollout":
        return rollout_figure(view, title, lang, export)
    return heatmap_figure(view, title, lang, export)


def _pair_labels(first: Sequence[str], second: Sequence[str]) -> list[str]:
    """'man/dog' where the two sentences' pieces differ at a position, the piece where they agree (raw text)."""
    return [a if a == b else f"{a}/{b}" for a, b in zip(first, second)]


def compare_figure(pair: AttentionPair, title: str, lang: str = "en", text: str = "") -> go.Figure:
    """Sentence 2 minus sentence 1 (red: more attention in sentence 2, blue: less) when the pieces line up,
    else the two heatmaps side by side on one colour scale."""
    first, second = pair.first, pair.second
    export = export_name(f"attention-compare-{first.view}", text)
    difference = pair.difference
    if difference is not None:
        n = len(first.tokens)
        bound = float(max(np.abs(difference).max(), 1e-6))
        labels = _pair_labels(first.tokens, second.tokens)
        change, one, two = t("attn_cmp_change", lang), t("attn_cmp_first", lang), t("attn_cmp_second", lang)
        trace = go.Heatmap(z=np.round(difference, 4), zmin=-bound, zmax=bound, zmid=0,
                           colorscale=[[0.0, "#3B6FB6"], [0.5, "#FFFFFF"], [1.0, "#D6404E"]],
                           colorbar=dict(title=dict(text=change), exponentformat="none"))
        if n <= HOVER_LIMIT:
            trace.customdata = np.dstack([_hover(labels), np.round(first.matrix, 3).astype(str),
                                          np.round(second.matrix, 3).astype(str)])
            trace.hovertemplate = (f"{t('attn_hover_from', lang)} <b>%{{customdata[0]}}</b><br>"
                                   f"{t('attn_hover_to', lang)} <b>%{{customdata[1]}}</b><br>{one} %{{customdata[2]}}"
                                   f"<br>{two} %{{customdata[3]}}<br>{change} %{{z:+.3f}}<extra></extra>")
        fig = go.Figure(trace)
        size = min(max(420, 26 * n + 160), 1100)
        base_layout(fig, t("attn_cmp_title_diff", lang, title=title), height=size, export=export)
        axis = dict(tickmode="array", tickvals=list(range(n)), ticktext=[safe_label(x, 24) for x in labels],
                    tickangle=0 if n <= 16 else -60)
        fig.update_layout(xaxis=dict(**axis, title=t("attn_axis_to", lang)),
                          yaxis=dict(**axis, title=t("attn_axis_from", lang), autorange="reversed"),
                          margin=dict(l=110, r=20, t=80, b=90))
        fig.update_yaxes(tickangle=0)
        return fig
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=[t("attn_cmp_first", lang), t("attn_cmp_second", lang)])
    zmax = float(max(first.matrix.max(), second.matrix.max(), 1e-6))
    for col, shown in ((1, first), (2, second)):
        trace = _heatmap(shown.matrix, shown.tokens, lang, show_scale=col == 1)
        trace.update(zmax=zmax)
        fig.add_trace(trace, row=1, col=col)
        fig.update_xaxes(**token_ticks(shown.tokens), row=1, col=col)
        fig.update_yaxes(**{**token_ticks(shown.tokens), "tickangle": 0}, autorange="reversed", row=1, col=col)
    n = max(len(first.tokens), len(second.tokens))
    base_layout(fig, t("attn_cmp_title_side", lang, title=title), height=min(max(420, 16 * n + 200), 900),
                export=export)
    fig.update_annotations(font=dict(size=13, family=FONT["family"]))
    return fig
