"""The steps of one layer drawn: one small figure per step, every label in the session's language.

Token axes are numeric (a repeated token keeps its own row) and labelled "position piece"; past
``MAX_LABELS`` tokens only every k-th label is written, the query's always, so 512 pieces stay
readable. A heatmap's hover carries q and k only up to ``HOVER_TOKENS`` rows, so a 512-token
figure stays light.

Design decision: figures are written as plain data and built without plotly's per-property
validation (``_figure``): eight validated figures took longer than the layer's whole computation
and its forward pass (about 10 ms each against 0.5 ms), and two-panel figures place their axes by
domain rather than through ``make_subplots`` for the same reason. ``tests/test_layer.py`` builds
every figure again *with* validation, so a wrong property still fails a test. Numbering: layers and heads from 1,
positions, dimensions and neurons from 0 (as the tensors index them).
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio

from components.core.figures import TEMPLATE, export_name, layout_defaults, safe_label
from components.core.messages import t
from components.layer.across import Across
from components.layer.compute import LayerSteps

__all__ = ["across_figure", "concat_figure", "ffn_figure", "head_output_figure", "input_figure", "products_figure",
           "residual_figure", "softmax_figure", "token_axis"]

MAX_LABELS = 40
HOVER_TOKENS = 64
QUERY = "#d62728"
OTHER = "#8fa8c8"
SCORE = "#b9a3d6"
MODEL = "#111111"
# blue (negative) to red (positive), written out: unvalidated, a plotly.py name such as "RdBu_r" would not reach
# the browser as this scale (plotly.js knows no "_r", and its own "RdBu" runs the other way)
_RDBU = plotly.colors.diverging.RdBu[::-1]
DIVERGING = [[k / (len(_RDBU) - 1), colour] for k, colour in enumerate(_RDBU)]


def token_axis(tokens, query: int) -> dict:
    """Every token's label up to MAX_LABELS tokens, else every k-th and the query's."""
    n = len(tokens)
    step = max(1, -(-n // MAX_LABELS))
    shown = sorted({query, *(i for i in range(0, n, step) if 2 * abs(i - query) >= step)})  # the query's label clear
    return dict(tickmode="array", tickvals=shown, ticktext=[safe_label(f"{i} {tokens[i]}", 18) for i in shown],
                automargin=True)


@functools.cache
def _template() -> dict:
    """The house template as data: unvalidated, its name would reach the browser, which does not know it. Without
    its default colour scales: every heatmap here names its own, and plotly copies the template (lists of colour
    stops) twice per figure, once when it is built and once when it is sent."""
    template = pio.templates[TEMPLATE].to_plotly_json()
    template.get("layout", {}).pop("colorscale", None)
    return template


def _figure(data: list[dict], layout: dict, title: str, height: int, export: str) -> go.Figure:
    """A figure from plain data, unvalidated (see the module's design decision), in the house's conventions."""
    layout = {**layout_defaults(title, height, export), **layout, "template": _template()}
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def _title(text: str) -> dict:
    return dict(text=text)


def _colours(n: int, query: int) -> list[str]:
    return [QUERY if i == query else OTHER for i in range(n)]


def _height(n_rows: int, low: int = 320, high: int = 720) -> int:
    return int(min(high, max(low, 120 + 18 * n_rows)))


def _export(view: str, steps: LayerSteps) -> str:
    return export_name(f"layer-{view}", steps.text)


def input_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """a. The length of every token's input vector, the query's in red."""
    n = len(steps.tokens)
    norms = np.linalg.norm(steps.inputs, axis=1)
    data = [dict(type="bar", x=np.arange(n), y=norms, marker=dict(color=_colours(n, steps.token)),
                 hovertemplate="%{y:.3f}<extra></extra>")]
    layout = dict(xaxis=dict(title=_title(t("layer_axis_token", lang)), **token_axis(steps.tokens, steps.token)),
                  yaxis=dict(title=_title(t("layer_axis_norm", lang))))
    title = t("layer_fig_input", lang, layer=steps.layer, state=steps.layer - 1, hidden=steps.inputs.shape[1])
    return _figure(data, layout, title, 320, _export("input", steps))


def products_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """b. q ⊙ k_j number by number (one row per key token) and, beside it, each row's sum q·k_j."""
    n, d = steps.keys.shape
    products = steps.q[None, :] * steps.keys
    heat = dict(type="heatmap", z=products, x=np.arange(d), y=np.arange(n), colorscale=DIVERGING, zmid=0,
                colorbar=dict(x=0.7, len=0.8, thickness=12), hovertemplate="%{z:.4f}<extra></extra>")
    if n <= HOVER_TOKENS:  # q_d and k_jd on hover; beyond that the figure would weigh megabytes
        heat.update(customdata=np.stack([np.broadcast_to(steps.q, (n, d)), steps.keys], axis=-1).round(4),
                    hovertemplate="q=%{customdata[0]} · k=%{customdata[1]} = %{z:.4f}<extra></extra>")
    data = [heat, dict(type="bar", x=steps.dots, y=np.arange(n), orientation="h", xaxis="x2", yaxis="y",
                       marker=dict(color=_colours(n, steps.token)), hovertemplate="%{x:.4f}<extra></extra>")]
    layout = dict(xaxis=dict(domain=[0, 0.66], title=_title(t("layer_axis_head_dim", lang))),
                  xaxis2=dict(domain=[0.8, 1], title=_title(t("layer_axis_sum", lang)), anchor="y"),
                  yaxis=dict(title=_title(t("layer_axis_key", lang)), autorange="reversed",
                             **token_axis(steps.tokens, steps.token)), showlegend=False)
    title = t("layer_fig_products", lang, head=steps.head, d=d)
    return _figure(data, layout, title, _height(n), _export("q-times-k", steps))


def softmax_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """c. The scores (mask added) above, the softmax row below, with the model's own row as markers."""
    n = len(steps.tokens)
    x = np.arange(n)
    data = [
        dict(type="bar", x=x, y=steps.scores, marker=dict(color=[QUERY if i == steps.token else SCORE for i in x]),
             name=t("layer_legend_scores", lang),
             hovertemplate="%{y:.4f}<extra></extra>", yaxis="y2"),
        dict(type="bar", x=x, y=steps.row, marker=dict(color=_colours(n, steps.token)),
             name=t("layer_legend_row", lang), hovertemplate="%{y:.6f}<extra></extra>"),
        dict(type="scatter", x=x, y=steps.model_row, mode="markers", name=t("layer_legend_model", lang),
             marker=dict(symbol="x-thin", size=9, line=dict(width=2, color=MODEL)),
             hovertemplate="%{y:.6f}<extra></extra>"),
    ]
    layout = dict(yaxis=dict(domain=[0, 0.42], title=_title(t("layer_axis_weight", lang))),
                  yaxis2=dict(domain=[0.58, 1], title=_title(t("layer_axis_score", lang)), anchor="x"),
                  xaxis=dict(title=_title(t("layer_axis_key", lang)), **token_axis(steps.tokens, steps.token)),
                  legend=dict(orientation="h", y=-0.35, x=0), barmode="overlay")
    title = t("layer_fig_softmax", lang, scale=f"{steps.scale:.3g}", total=f"{float(steps.row.sum()):.6f}")
    return _figure(data, layout, title, 460, _export("softmax", steps))


def head_output_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """d. a_j v_j for every key token, and their sum (the head's output) in its own row below."""
    n, d = steps.values.shape
    weighted = steps.weighted
    limit = float(np.abs(weighted).max() or 1.0)
    data = [
        dict(type="heatmap", z=weighted, x=np.arange(d), y=np.arange(n), colorscale=DIVERGING, zmin=-limit,
             zmax=limit, colorbar=dict(len=0.8, thickness=12), hovertemplate="%{z:.4f}<extra></extra>"),
        dict(type="heatmap", z=steps.head_output[None, :], x=np.arange(d), y=[t("layer_row_sum", lang)],
             colorscale=DIVERGING, zmid=0, showscale=False, yaxis="y2", hovertemplate="%{z:.4f}<extra></extra>"),
    ]
    layout = dict(yaxis=dict(domain=[0.16, 1], title=_title(t("layer_axis_key", lang)), autorange="reversed",
                             **token_axis(steps.tokens, steps.token)),
                  yaxis2=dict(domain=[0, 0.09], anchor="x", automargin=True),
                  xaxis=dict(title=_title(t("layer_axis_head_dim", lang)), anchor="y2"))
    title = t("layer_fig_head_output", lang, head=steps.head)
    return _figure(data, layout, title, _height(n) + 40, _export("head-output", steps))


def concat_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """d. Every head's output side by side (head boundaries drawn), and the same vector after W_O."""
    hidden = len(steps.concat)
    z = np.stack([steps.concat, steps.update])
    limit = float(np.abs(z).max() or 1.0)
    data = [dict(type="heatmap", z=z, x=np.arange(hidden), y=[t("layer_row_concat", lang), t("layer_row_update", lang)],
                 colorscale=DIVERGING, zmin=-limit, zmax=limit, colorbar=dict(thickness=12, nticks=3),
                 hovertemplate="%{y} [%{x}] = %{z:.4f}<extra></extra>")]
    # where one head's d numbers end and the next head's begin; the chosen head's block framed
    shapes = [dict(type="line", x0=k * steps.d_head - 0.5, x1=k * steps.d_head - 0.5, y0=-0.5, y1=0.5,
                   line=dict(color="#333333", width=1)) for k in range(1, steps.n_heads)]
    start = (steps.head - 1) * steps.d_head - 0.5
    shapes.append(dict(type="rect", x0=start, x1=start + steps.d_head, y0=-0.5, y1=0.5,
                       line=dict(color=QUERY, width=3)))
    layout = dict(xaxis=dict(title=_title(t("layer_axis_hidden_dim", lang))),
                  yaxis=dict(autorange="reversed", automargin=True), shapes=shapes)
    title = t("layer_fig_concat", lang, heads=steps.n_heads, head=steps.head)
    return _figure(data, layout, title, 260, _export("concat", steps))


def residual_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """e. Lengths of the input, the update, their sum and the normalised result; cosines of the result."""
    x, u, h1 = (v.astype(np.float64) for v in (steps.x, steps.update, steps.h1))
    norms = [float(np.linalg.norm(v)) for v in (x, u, x + u, h1)]
    names = [t(k, lang) for k in ("layer_bar_input", "layer_bar_update", "layer_bar_sum", "layer_bar_h1")]
    cos = list(steps.residual_cosines)
    data = [
        dict(type="bar", x=names, y=norms, marker=dict(color=[OTHER, QUERY, "#9467bd", "#2ca02c"]),
             text=[f"{v:.2f}" for v in norms], textposition="outside", cliponaxis=False,
             hovertemplate="%{y:.4f}<extra></extra>"),
        dict(type="bar", x=[t("layer_bar_cos_input", lang), t("layer_bar_cos_update", lang)], y=cos, xaxis="x2",
             yaxis="y2", marker=dict(color=[OTHER, QUERY]), text=[f"{v:.2f}" for v in cos], textposition="outside",
             cliponaxis=False, hovertemplate="%{y:.4f}<extra></extra>"),
    ]
    layout = dict(xaxis=dict(domain=[0, 0.6]), yaxis=dict(title=_title(t("layer_axis_norm", lang))),
                  xaxis2=dict(domain=[0.72, 1], anchor="y2"),
                  yaxis2=dict(anchor="x2", range=[min(0.0, *cos) - 0.1, 1.15], title=_title(t("layer_axis_cos", lang))),
                  showlegend=False)
    return _figure(data, layout, t("layer_fig_residual", lang), 340, _export("residual", steps))


def ffn_figure(steps: LayerSteps, lang: str) -> go.Figure:
    """f. The most active intermediate neurons; the recomputed output against the model's own."""
    top = steps.top_neurons()
    low = float(min(steps.model_output.min(), steps.output.min()))
    high = float(max(steps.model_output.max(), steps.output.max()))
    data = [
        dict(type="bar", x=[f"#{n}" for n in top], y=steps.active[top], marker=dict(color=QUERY),
             customdata=steps.pre[top], hovertemplate="GELU(%{customdata:.4f}) = %{y:.4f}<extra></extra>"),
        dict(type="scatter", x=[low, high], y=[low, high], mode="lines", xaxis="x2", yaxis="y2", hoverinfo="skip",
             line=dict(color="#bbbbbb", width=1)),
        dict(type="scatter", x=steps.model_output, y=steps.output, mode="markers", xaxis="x2", yaxis="y2",
             marker=dict(size=4, color=OTHER), hovertemplate="%{x:.5f} → %{y:.5f}<extra></extra>"),
    ]
    layout = dict(xaxis=dict(domain=[0, 0.5], title=_title(t("layer_axis_neuron", lang)), type="category"),
                  yaxis=dict(title=_title(t("layer_axis_activation", lang))),
                  xaxis2=dict(domain=[0.62, 1], anchor="y2",
                              title=_title(t("layer_axis_model_output", lang, layer=steps.layer))),
                  yaxis2=dict(anchor="x2", title=_title(t("layer_axis_our_output", lang))), showlegend=False)
    title = t("layer_fig_ffn", lang, k=len(top), inner=len(steps.active), diff=f"{steps.output_max_abs_diff:.1e}")
    return _figure(data, layout, title, 360, _export("ffn", steps))


def across_figure(across: Across, steps: LayerSteps, lang: str) -> go.Figure:
    """The token through every layer: update sizes per layer above, cosine to its embedding below."""
    layers = np.arange(1, across.n_layers + 1)
    hover = "%{y:.3f}<extra></extra>"
    data = [
        dict(type="bar", x=layers, y=across.attention_norm, name=t("layer_legend_attention_norm", lang),
             marker=dict(color="#1f77b4"), hovertemplate=hover),
        dict(type="bar", x=layers, y=across.ffn_norm, name=t("layer_legend_ffn_norm", lang),
             marker=dict(color="#ff7f0e"), hovertemplate=hover),
        dict(type="scatter", x=layers, y=across.input_norm, name=t("layer_legend_input_norm", lang),
             mode="lines+markers", line=dict(color="#555555", dash="dot"), hovertemplate=hover),
        dict(type="scatter", x=np.arange(0, across.n_layers + 1), y=across.cosine_to_embedding,
             name=t("layer_legend_cosine", lang), mode="lines+markers", xaxis="x2", yaxis="y2",
             line=dict(color=QUERY), hovertemplate="%{y:.4f}<extra></extra>"),
    ]
    span = [-0.5, across.n_layers + 0.5]
    chosen = dict(type="line", x0=steps.layer, x1=steps.layer, y0=0, y1=1, xref="x", yref="y domain",
                  line=dict(color=QUERY, width=1, dash="dash"))
    layout = dict(barmode="group", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0), shapes=[chosen],
                  # one x range for both: layer k's bars stand above hidden state k, the state it writes
                  xaxis=dict(title=_title(t("layer_axis_layer", lang)), tickvals=layers.tolist(), anchor="y",
                             range=span),  # no tick 0: there is no layer 0
                  yaxis=dict(domain=[0.58, 0.92], title=_title(t("layer_axis_norm", lang))),
                  xaxis2=dict(title=_title(t("layer_axis_state", lang)), dtick=1, anchor="y2", range=span),
                  yaxis2=dict(domain=[0, 0.36], title=_title(t("layer_axis_cos", lang)), anchor="x2"))
    title = t("layer_fig_across", lang, token=across.token, piece=steps.tokens[across.token][:20],
              diff=f"{across.max_abs_diff:.1e}")
    return _figure(data, layout, title, 520, _export("across", steps))
