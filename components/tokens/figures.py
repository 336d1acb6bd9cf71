"""The Tokens lesson's figure: how large each input embedding is, per token."""

from __future__ import annotations

import plotly.graph_objects as go

from components.core.figures import export_name, figure, safe_label, token_ticks
from components.core.messages import t
from components.tokens.compute import TokenTable

__all__ = ["embedding_norms_figure"]

COLORS = {"token": "#4C78A8", "segment": "#F58518", "position": "#54A24B", "input": "#B279A2"}
SERIES_KEYS = {
    "token": "tok_fig_token", "segment": "tok_fig_segment", "position": "tok_fig_position", "input": "tok_fig_input",
}


def embedding_norms_figure(table: TokenTable, lang: str, text: str = "") -> go.Figure:
    """Grouped bars: the size of each embedding the model added, and of their LayerNorm'd sum."""
    tokens = [r.token for r in table.rows]
    xs = list(range(len(tokens)))
    labels = [safe_label(tok) for tok in tokens]
    series = [("token", [r.token_norm for r in table.rows])]
    if "segment" in table.parts:
        series.append(("segment", [r.segment_norm for r in table.rows]))
    series += [("position", [r.position_norm for r in table.rows]), ("input", [r.input_norm for r in table.rows])]
    data = [dict(type="bar", x=xs, y=values, name=t(SERIES_KEYS[key], lang), marker=dict(color=COLORS[key]),
                 customdata=labels, hovertemplate="%{customdata}<br>" + t(SERIES_KEYS[key], lang)
                 + ": %{y:.2f}<extra></extra>") for key, values in series]
    layout = dict(barmode="group", xaxis=token_ticks(tokens), yaxis=dict(title=dict(text=t("tok_fig_yaxis", lang))),
                  legend=dict(orientation="h", y=-0.25))
    return figure(data, layout, t("tok_fig_title", lang), height=380, export=export_name("tokens", text))
