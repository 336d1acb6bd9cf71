"""What the Inside-a-layer tab writes: one sentence per step, the guess and its answer, the table, the record.

Design decision: no gradio here, so the tab stays wiring and every sentence can be tested without
a browser. Pieces are user text (the tokenizer's spelling of it): each goes through
``escape(markdown=True)``. A sentence picks between texts through literal keys, never built ones.
"""

from __future__ import annotations

import numpy as np

from components.core.analysis import Analysis
from components.core.messages import t
from components.core.text import escape, fixed, shown_table
from components.layer.across import Across
from components.layer.compute import LayerSteps

__all__ = ["TABLE_KEYS", "chips", "default_query", "guess_markdown", "record", "step_sentences", "summary_markdown",
           "table"]

TABLE_KEYS = ("layer_col_position", "layer_col_token", "layer_col_segment", "layer_col_dot", "layer_col_score",
              "layer_col_attention", "layer_col_model", "layer_col_weighted")


def _piece(steps: LayerSteps, position: int) -> str:
    return escape(f"{position} {steps.tokens[position]}", markdown=True, limit=40)


def chips(tokens) -> list[tuple[str, str]]:
    """(label, value) per token: 'position piece', the value the position as text."""
    return [(f"{i} {token}", str(i)) for i, token in enumerate(tokens)]


def default_query(analysis: Analysis) -> int:
    """The first token that is not [CLS]/[SEP]/...: what a query starts on when none was picked."""
    regular = np.flatnonzero(~analysis.special)
    return int(regular[0]) if len(regular) else 0


def summary_markdown(steps: LayerSteps, lang: str) -> str:
    return t("layer_summary", lang, model=escape(steps.model_name, markdown=True), layer=steps.layer,
             layers=steps.n_layers, head=steps.head, heads=steps.n_heads, piece=_piece(steps, steps.token),
             state=steps.layer - 1)


def guess_markdown(steps: LayerSteps, guess: int | None, guess_first: bool, lang: str) -> str:
    """The question before a guess; after it, whether the guess got the most attention, and its rank."""
    if guess is None:
        if not guess_first:
            return ""
        return t("layer_guess_prompt", lang, piece=_piece(steps, steps.token), layer=steps.layer, head=steps.head)
    top = int(np.argmax(steps.row))
    weight = float(steps.row[guess])
    if guess == top:
        return t("layer_guess_right", lang, guess=_piece(steps, guess), weight=f"{weight:.3f}")
    rank = 1 + int((steps.row > weight).sum())
    return t("layer_guess_wrong", lang, guess=_piece(steps, guess), weight=f"{weight:.3f}", rank=rank,
             n=len(steps.row), top=_piece(steps, top), best=f"{float(steps.row[top]):.3f}")


def step_sentences(steps: LayerSteps, across: Across, lang: str) -> dict[str, str]:
    """One sentence per step, keyed by the step: input, products, softmax, head, concat, residual, ffn, across."""
    hidden = len(steps.concat)
    source = (t("layer_source_embeddings", lang) if steps.layer == 1
              else t("layer_source_previous", lang, prev=steps.layer - 1))
    top_dot = int(np.argmax(steps.dots))
    contributions = np.linalg.norm(steps.weighted, axis=1)
    top_value = int(np.argmax(contributions))
    cos_x, cos_u = steps.residual_cosines
    share = t("layer_share_input" if cos_x >= cos_u else "layer_share_update", lang)
    top_neuron = int(steps.top_neurons(1)[0])
    return {
        "input": t("layer_say_input", lang, piece=_piece(steps, steps.token), layer=steps.layer, hidden=hidden,
                   state=steps.layer - 1, source=source, norm=f"{float(np.linalg.norm(steps.x)):.2f}"),
        "products": t("layer_say_products", lang, head=steps.head, d=steps.d_head, hidden=hidden, heads=steps.n_heads,
                      piece=_piece(steps, steps.token), top=_piece(steps, top_dot),
                      best=f"{float(steps.dots[top_dot]):.3f}"),
        "softmax": t("layer_say_softmax", lang, d=steps.d_head, scale=f"{steps.scale:.4g}",
                     total=f"{float(steps.row.sum()):.6f}", diff=f"{steps.attention_max_abs_diff:.1e}"),
        "head": t("layer_say_head", lang, d=steps.d_head, top=_piece(steps, top_value),
                  size=f"{float(contributions[top_value]):.3f}",
                  norm=f"{float(np.linalg.norm(steps.head_output)):.3f}"),
        "concat": t("layer_say_concat", lang, heads=steps.n_heads, hidden=hidden, head=steps.head,
                    norm=f"{float(np.linalg.norm(steps.update)):.2f}"),
        "residual": t("layer_say_residual", lang, x=f"{float(np.linalg.norm(steps.x)):.2f}",
                      u=f"{float(np.linalg.norm(steps.update)):.2f}", cos_x=f"{cos_x:.2f}", cos_u=f"{cos_u:.2f}",
                      share=share),
        "ffn": t("layer_say_ffn", lang, hidden=hidden, inner=len(steps.active), neuron=top_neuron,
                 value=f"{float(steps.active[top_neuron]):.3f}", norm=f"{float(np.linalg.norm(steps.ffn)):.2f}",
                 layer=steps.layer, diff=f"{steps.output_max_abs_diff:.1e}"),
        "across": t("layer_say_across", lang, piece=_piece(steps, across.token), layers=across.n_layers,
                    last=f"{float(across.cosine_to_embedding[-1]):.2f}", diff=f"{across.max_abs_diff:.1e}"),
    }


def table(steps: LayerSteps, lang: str) -> dict:
    """One row per key token: its dot product, score, recomputed and model weight, and what it adds."""
    contributions = np.linalg.norm(steps.weighted, axis=1)
    rows = [[j, steps.tokens[j], "AB"[int(steps.segment_ids[j])], float(steps.dots[j]), float(steps.scores[j]),
             float(steps.row[j]), float(steps.model_row[j]), float(contributions[j])] for j in range(len(steps.tokens))]
    five, six = fixed(5), fixed(6)  # one number of decimals per column: "-1.83000" beside "-1.53909"
    return shown_table([t(key, lang) for key in TABLE_KEYS], rows, {3: five, 4: five, 5: six, 6: six, 7: five})


def record(steps: LayerSteps, across: Across) -> dict:
    """The JSON of ``python app.py layer`` and of the /layer endpoint: the steps and the token across layers."""
    return {**steps.to_json(), "across_layers": across.to_json()}
