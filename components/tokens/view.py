"""What the Tokens tab shows, in the session's language: the table of pieces, the one-line summary with the
embedding check, and the embedding sizes.

Design decision: the view turns a computed ``TokenTable`` into a table, Markdown and a figure and nothing
else; it never loads or runs a model, so the tab only wires it.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.core.messages import t
from components.core.text import escape
from components.tokens.compute import COLUMNS, TokenTable
from components.tokens.figures import embedding_norms_figure

__all__ = ["summary_markdown", "token_frame", "token_outputs"]

COLUMN_KEYS = {
    "index": "tok_col_index", "token": "tok_col_token", "id": "tok_col_id", "kind": "tok_col_kind",
    "segment": "tok_col_segment", "position": "tok_col_position", "chars": "tok_col_chars", "word": "tok_col_word",
    "token_norm": "tok_col_token_norm", "segment_norm": "tok_col_segment_norm",
    "position_norm": "tok_col_position_norm", "input_norm": "tok_col_input_norm",
}
KIND_KEYS = {
    "special": "tok_kind_special", "continuation": "tok_kind_continuation", "unknown": "tok_kind_unknown",
    "word": "tok_kind_word",
}
PART_KEYS = {"token": "tok_part_token", "segment": "tok_part_segment", "position": "tok_part_position"}


def summary_markdown(table: TokenTable, lang: str) -> str:
    """A one-line view of the sequence plus the embedding check; user text escaped for Markdown."""
    pieces = " · ".join(escape(r.token, markdown=True) for r in table.rows)
    summary = t("tok_summary", lang, n=len(table.rows), pieces=pieces)
    parts = " + ".join(t(PART_KEYS[p], lang) for p in table.parts)
    check = (t("tok_check_ok", lang, parts=parts, diff=table.max_abs_diff) if table.matches_model
             else t("tok_check_bad", lang, diff=table.max_abs_diff))
    return f"{summary}\n\n{check}"


def token_frame(table: TokenTable, lang: str) -> dict:
    """One row per piece, the columns and the kinds named in ``lang``."""
    return {"headers": [t(COLUMN_KEYS[c], lang) for c in COLUMNS],
            "data": [row.as_list(t(KIND_KEYS[row.kind], lang)) for row in table.rows]}


def token_outputs(table: TokenTable, lang: str, text: str) -> tuple[dict, str, go.Figure]:
    """(the table, the summary, the embedding sizes) in the order of the tab's outputs."""
    return token_frame(table, lang), summary_markdown(table, lang), embedding_norms_figure(table, lang, text)
