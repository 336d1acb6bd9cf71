"""What the Attention tab shows, in the session's language: one view of a cached analysis (figure and note),
the bertviz document, and two sentences compared.

Design decision: the view turns a computed ``Analysis`` into figures, notes and HTML, with the sliders'
numbers (from 1) brought into the model's range and said when they moved; it never loads or runs a model,
so redrawing after a slider moves costs no forward pass and the tab only wires it.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.attention.bertviz import bertviz_html, shape_payload
from components.attention.compare import COMPARED, compare_views
from components.attention.compute import TITLE_KEYS, attention_view
from components.attention.figures import GRID_CELLS, attention_figure, compare_figure
from components.core.analysis import Analysis
from components.core.messages import render, t
from components.core.numbering import Clamped, clamp

__all__ = ["DEFAULT_HEAD", "DEFAULT_LAYER", "bertviz_view", "compare_outputs", "render_view"]

DEFAULT_LAYER, DEFAULT_HEAD = 3, 1  # numbered from 1, as the sliders show them


def _clamp(analysis: Analysis, layer: float | None, head: float | None) -> tuple[Clamped, Clamped]:
    """The slider numbers (from 1) brought into this model's range, each with its notice if it moved."""
    shape = (analysis.n_layers, analysis.n_heads)
    return (clamp("layer", layer, shape, analysis.model_name, DEFAULT_LAYER),
            clamp("head", head, shape, analysis.model_name, DEFAULT_HEAD))


def render_view(analysis: Analysis, layer: float | None, head: float | None, view: str, hide_special: bool,
                hide_punct: bool, lang: str) -> tuple[go.Figure, str]:
    """The figure and its note for one view of a cached analysis."""
    layer_c, head_c = _clamp(analysis, layer, head)
    shown = attention_view(analysis, view, layer_c.index, head_c.index, hide_special=bool(hide_special),
                           hide_punct=bool(hide_punct))
    title = t(TITLE_KEYS[view], lang, model=analysis.model_name, layer=layer_c.number, head=head_c.number,
              heads=analysis.n_heads)
    note = render(shown.note, lang)
    moved = [c.notice for c in (layer_c, head_c if view == "head" else None) if c is not None and c.notice]
    if moved:
        note += " " + " ".join(render(m, lang) for m in moved)
    if view == "grid" and analysis.n_tokens > 64:
        size = -(-len(shown.tokens) // GRID_CELLS)
        if size > 1:
            note += " " + t("attn_note_binned", lang, n=len(shown.tokens), size=size)
    return attention_figure(shown, title, lang, analysis.text), note


def bertviz_view(analysis: Analysis, layer: float | None, lang: str) -> str:
    """The bertviz views of a cached analysis, opened at the slider's layer (brought into range)."""
    layer_c, _ = _clamp(analysis, layer, DEFAULT_HEAD)
    return bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, layer_c.index), lang)


def compare_outputs(first: Analysis, second: Analysis, layer: float | None, head: float | None, view: str,
                    hide_special: bool, hide_punct: bool, lang: str) -> tuple[go.Figure, str]:
    """The comparison figure and its note: the difference when the pieces line up, else side by side."""
    layer_c, head_c = _clamp(first, layer, head)
    pair = compare_views(first, second, view, layer_c.index, head_c.index, hide_special=bool(hide_special),
                         hide_punct=bool(hide_punct))
    title = t(TITLE_KEYS[pair.first.view], lang, model=first.model_name, layer=layer_c.number, head=head_c.number,
              heads=first.n_heads)
    if pair.aligned:
        note = t("attn_cmp_note_diff", lang, n=len(pair.first.tokens))
    else:
        note = t("attn_cmp_note_side", lang, first=len(pair.first.tokens), second=len(pair.second.tokens))
    if COMPARED.get(view) != view:
        note += " " + t("attn_cmp_note_grid", lang)
    if first.text_pair:
        note += " " + t("attn_cmp_note_pair", lang)
    return compare_figure(pair, title, lang, first.text), note + "\n\n" + render(pair.first.note, lang)
