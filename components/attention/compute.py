"""Attention matrices for teaching: one head, the mean of a layer's heads, all heads, rollout.

Design decision: every view is a pure function of the cached ``Analysis.attentions``
(L, H, T, T), so moving a slider never runs the model again; hiding [CLS]/[SEP] or punctuation
drops those rows *and* columns and renormalises each remaining row to sum to 1, and the
returned ``AttentionView`` carries a sentence saying so, because a renormalised picture shown
without that note would mislead students about where the model really looks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from components.core.analysis import Analysis
from components.core.messages import Msg, UserError

__all__ = ["VIEWS", "AttentionView", "attention_view", "hide", "is_punctuation", "keep_mask", "rollout", "select"]

# each view and the keys of its note and its figure title (keys are literals: tests/test_messages.py reads them)
VIEWS = ("head", "mean", "grid", "rollout")
NOTE_KEYS = {"head": "attn_note_head", "mean": "attn_note_mean", "grid": "attn_note_grid",
             "rollout": "attn_note_rollout"}
TITLE_KEYS = {"head": "attn_title_head", "mean": "attn_title_mean", "grid": "attn_title_grid",
              "rollout": "attn_title_rollout"}
VIEW_LABEL_KEYS = {"head": "attn_view_head", "mean": "attn_view_mean", "grid": "attn_view_grid",
                   "rollout": "attn_view_rollout"}


@dataclass(frozen=True, eq=False)
class AttentionView:
    """What a figure needs: the matrix (T', T') or (H, T', T') and the tokens it is about."""

    view: str
    layer: int
    head: int
    matrix: np.ndarray  # rows: from (query) token, columns: to (key) token; each row sums to 1
    tokens: tuple[str, ...]
    segment_ids: tuple[int, ...]
    kept: tuple[int, ...]  # indices into Analysis.tokens
    cls_row: np.ndarray | None  # rollout only: what [CLS] draws on, over the kept tokens
    note: Msg  # what is shown, what is hidden and renormalised


def is_punctuation(token: str) -> bool:
    """True for tokens made only of punctuation (ASCII or CJK: ",", "##.", "Ġ.", "▁,", "。", "！")."""
    text = token[2:] if token.startswith("##") and len(token) > 2 else token
    text = text[1:] if text[:1] in ("Ġ", "▁") and len(text) > 1 else text
    return bool(text) and all(unicodedata.category(c).startswith("P") for c in text)


def keep_mask(tokens: Sequence[str], special: np.ndarray, hide_special: bool, hide_punct: bool) -> np.ndarray:
    """Boolean mask of the tokens that stay visible."""
    keep = np.ones(len(tokens), dtype=bool)
    if hide_special:
        keep &= ~np.asarray(special, dtype=bool)
    if hide_punct:
        keep &= np.array([not is_punctuation(t) for t in tokens], dtype=bool)
    return keep


def hide(matrix: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Drop hidden rows and columns of (..., T, T) and renormalise each row to sum to 1."""
    index = np.flatnonzero(keep)
    if index.size == 0:
        raise UserError("attn_nothing_left")
    sub = matrix[..., index[:, None], index[None, :]].astype(np.float64)
    sums = sub.sum(axis=-1, keepdims=True)
    # softmax weights are strictly positive, so a zero sum only happens for a degenerate input
    sub = np.divide(sub, sums, out=np.full_like(sub, 1.0 / index.size), where=sums > 0)
    return sub.astype(np.float32)


def select(attentions: np.ndarray, view: str, layer: int, head: int = 0) -> np.ndarray:
    """(T, T) for 'head', 'mean' and 'rollout' (up to and including ``layer``), (H, T, T) for 'grid'."""
    n_layers, n_heads = attentions.shape[:2]
    if not 0 <= layer < n_layers:
        raise UserError("attn_no_layer", layer=layer + 1, last=n_layers)
    if view == "head":
        if not 0 <= head < n_heads:
            raise UserError("attn_no_head", head=head + 1, last=n_heads)
        return np.asarray(attentions[layer, head])
    if view == "mean":
        return attentions[layer].mean(axis=0)
    if view == "grid":
        return np.asarray(attentions[layer])
    if view == "rollout":
        return rollout(attentions)[layer]
    raise UserError("attn_unknown_view", view=str(view)[:40], views=list(VIEWS))


def rollout(attentions: np.ndarray) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema, 2020), (L, T, T).

    Each layer's head mean is mixed half-and-half with the identity (the residual connection),
    rows are renormalised, and the layers are multiplied from the bottom up:
    ``R[0] = Â[0]``, ``R[l] = Â[l] @ R[l-1]``. Row i of ``R[l]`` says how much token i after
    layer l draws on each *input* token.
    """
    att = np.asarray(attentions, dtype=np.float64).mean(axis=1)
    n_tokens = att.shape[-1]
    mixed = 0.5 * att + 0.5 * np.eye(n_tokens)
    mixed /= mixed.sum(axis=-1, keepdims=True)
    out = np.empty_like(mixed)
    current = np.eye(n_tokens)
    for index, layer in enumerate(mixed):
        current = layer @ current
        out[index] = current
    return out.astype(np.float32)


def _note(view: str, layer: int, head: int, hidden: list[Msg]) -> Msg:
    shown = Msg(NOTE_KEYS[view], layer=layer + 1, head=head + 1)  # indices in, numbers from 1 out
    return Msg("attn_note_with_hidden", shown=shown, hidden=Msg("attn_note_hidden", hidden=hidden)) if hidden else shown


def attention_view(analysis: Analysis, view: str, layer: int, head: int = 0, *, hide_special: bool = False,
                   hide_punct: bool = False) -> AttentionView:
    """The matrix a figure shows, after hiding tokens, with the note that explains it."""
    matrix = select(analysis.attentions, view, layer, head)
    keep = keep_mask(analysis.tokens, analysis.special, hide_special, hide_punct)
    hidden = [Msg(key) for key, on in (("attn_hidden_special", hide_special), ("attn_hidden_punct", hide_punct)) if on]
    shown = hide(matrix, keep)
    cls_row = None
    if view == "rollout":
        # [CLS] (position 0) is the sentence summary; when it is hidden the first visible token stands in
        source = 0 if keep[0] else int(np.flatnonzero(keep)[0])
        values = matrix[source, keep].astype(np.float64)
        cls_row = (values / values.sum()).astype(np.float32)
    kept = tuple(int(i) for i in np.flatnonzero(keep))
    return AttentionView(
        view=view, layer=layer, head=head, matrix=shown,
        tokens=tuple(analysis.tokens[i] for i in kept),
        segment_ids=tuple(int(analysis.segment_ids[i]) for i in kept),
        kept=kept, cls_row=cls_row, note=_note(view, layer, head, hidden),
    )
