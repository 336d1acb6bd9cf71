"""Head roles drawn: a layer x head grid coloured by role, the [CLS]/[SEP]/punctuation shares by layer,
the comparison with Clark et al. (2019) for BERT-base, and the table of links to the Attention tab.

Layers and heads are shown from 1 (issue 21); every label a student reads is in the session's language.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go

from components.core.figures import base_layout, safe_label
from components.core.messages import t
from components.core.text import escape
from components.heads.compute import ROLE_THRESHOLD, ROLES, SHARES, STATS, HeadRoles

__all__ = ["PAPER_MODELS", "attention_link", "compare_markdown", "layers_figure", "roles_figure", "strongest_table"]

PAPER_MODELS = ("bert-base-uncased",)
COLOURS = {"cls": "#1f77b4", "sep": "#d62728", "punct": "#2ca02c", "self": "#9467bd", "prev": "#ff7f0e",
           "next": "#17becf", "broad": "#d9d9d9"}
# Clark et al. (2019), as stated in their text: layers (from 1) of >50% previous/next-token heads, [SEP] layers
PAPER_TITLE = "What Does BERT Look At? An Analysis of BERT's Attention"
PAPER = {"sep": (6, 7, 8, 9, 10), "prev": (2, 4, 7, 8), "next": (1, 2, 2, 3, 6)}
ROLE_KEYS = {
    "cls": "heads_role_cls", "sep": "heads_role_sep", "punct": "heads_role_punct", "self": "heads_role_self",
    "prev": "heads_role_prev", "next": "heads_role_next", "broad": "heads_role_broad",
}
COMPARE_KEYS = {"sep": "heads_compare_sep", "prev": "heads_compare_prev", "next": "heads_compare_next"}


def role_name(role: str, lang: str) -> str:
    return t(ROLE_KEYS[role], lang)


def _stat_name(stat: str, lang: str) -> str:
    return t("heads_stat_entropy", lang) if stat == "entropy" else role_name(stat, lang)


def roles_figure(roles: HeadRoles, lang: str) -> go.Figure:
    """The grid: one cell per (layer, head), its colour the head's role; every number on hover."""
    codes = np.array([[ROLES.index(roles.role(layer, head)) for head in range(roles.n_heads)]
                      for layer in range(roles.n_layers)])
    scale = []
    for k, role in enumerate(ROLES):  # a discrete colour scale: one flat band per role
        scale += [[k / len(ROLES), COLOURS[role]], [(k + 1) / len(ROLES), COLOURS[role]]]
    hover = []
    for layer in range(roles.n_layers):
        row = []
        for head in range(roles.n_heads):
            role = role_name(roles.role(layer, head), lang)
            lines = [t("heads_hover", lang, layer=layer + 1, head=head + 1, role=role)]
            lines += [f"{_stat_name(s, lang)}: {roles.means[layer, head, k]:.3f}" for k, s in enumerate(STATS)]
            row.append("<br>".join(safe_label(line, 80) for line in lines))
        hover.append(row)
    labels = [[role_name(roles.role(layer, head), lang)[:5] for head in range(roles.n_heads)]
              for layer in range(roles.n_layers)]
    fig = go.Figure(go.Heatmap(
        z=codes, x=list(range(1, roles.n_heads + 1)), y=list(range(1, roles.n_layers + 1)), zmin=-0.5,
        zmax=len(ROLES) - 0.5, colorscale=scale, text=hover, hovertemplate="%{text}<extra></extra>",
        texttemplate="%{customdata}", customdata=labels, xgap=2, ygap=2,
        colorbar=dict(tickvals=list(range(len(ROLES))), ticktext=[role_name(r, lang) for r in ROLES])))
    fig.update_xaxes(title=t("heads_axis_head", lang), dtick=1)
    fig.update_yaxes(title=t("heads_axis_layer", lang), dtick=1, autorange="reversed")
    title = t("heads_grid_title", lang, model=roles.model_name, threshold=ROLE_THRESHOLD)
    return base_layout(fig, title, height=max(360, 40 * roles.n_layers + 160), export="bertlens-heads-grid")


def layers_figure(roles: HeadRoles, lang: str) -> go.Figure:
    """[CLS], [SEP] and punctuation shares per layer (mean over heads); for BERT-base, the paper's
    [SEP] layers shaded beside ours."""
    means = roles.by_layer()
    layers = list(range(1, roles.n_layers + 1))
    fig = go.Figure()
    for stat in ("cls", "sep", "punct"):
        fig.add_trace(go.Scatter(x=layers, y=means[:, STATS.index(stat)], mode="lines+markers",
                                 name=role_name(stat, lang), line=dict(color=COLOURS[stat])))
    if roles.model_name in PAPER_MODELS:
        fig.add_vrect(x0=PAPER["sep"][0] - 0.5, x1=PAPER["sep"][-1] + 0.5, fillcolor=COLOURS["sep"], opacity=0.08,
                      line_width=0, annotation_text=safe_label(t("heads_paper_band", lang), 80),
                      annotation_position="top left")
    fig.update_xaxes(title=t("heads_axis_layer", lang), dtick=1)
    fig.update_yaxes(title=t("heads_axis_share", lang), range=[0, 1])
    return base_layout(fig, t("heads_layers_title", lang, model=roles.model_name), export="bertlens-heads-layers")


def _layers_with(roles: HeadRoles, role: str) -> list[int]:
    return [layer + 1 for layer in range(roles.n_layers) for head in range(roles.n_heads)
            if roles.role(layer, head) == role]


def compare_markdown(roles: HeadRoles, lang: str) -> str:
    """For BERT-base: the paper's statements and ours side by side; for other models: said to be ours."""
    if roles.model_name not in PAPER_MODELS:
        return t("heads_ours_only", lang)
    sep_layers = [layer + 1 for layer, v in enumerate(roles.by_layer()[:, 1]) if v > 0.5]

    def fmt(values) -> str:
        return ", ".join(str(v) for v in values) or t("heads_none", lang)

    rows = [t("heads_compare_header", lang)]
    ours_by_key = {"sep": sep_layers, "prev": _layers_with(roles, "prev"), "next": _layers_with(roles, "next")}
    for key, ours in ours_by_key.items():
        rows.append(f"| {t(COMPARE_KEYS[key], lang)} | {fmt(PAPER[key])} | {fmt(ours)} |")
    return t("heads_paper", lang, title=PAPER_TITLE) + "\n\n" + "\n".join(rows)


def attention_link(model: str, text: str, layer: int, head: int) -> str:
    """The deep link that opens the Attention tab on ``text`` at (layer, head), both from 1."""
    return "?" + urlencode({"tab": "attention", "model": model, "text": text, "layer": layer, "head": head})


def strongest_table(roles: HeadRoles, lang: str, limit: int = 60) -> str:
    """A Markdown table, heads with a role first (strongest share first), each with a link that opens
    its attention on the corpus sentence where that role is strongest."""
    rows = []
    for layer in range(roles.n_layers):
        for head in range(roles.n_heads):
            role = roles.role(layer, head)
            share = float(roles.means[layer, head, :len(SHARES)].max())
            rows.append((role == "broad", -share, layer, head, role))
    rows.sort()
    named = [r for r in rows if not r[0]]
    shown = (named or rows)[:limit]
    lines = [f"| {t('heads_col_layer', lang)} | {t('heads_col_head', lang)} | {t('heads_col_role', lang)} | "
             f"{t('heads_col_share', lang)} | {t('heads_col_sentence', lang)} |", "|---|---|---|---|---|"]
    for _, share, layer, head, role in shown:
        sentence, _ = roles.strongest(layer, head)
        link = attention_link(roles.model_name, sentence, layer + 1, head + 1)
        lines.append(f"| {layer + 1} | {head + 1} | {role_name(role, lang)} | {-share:.2f} | "
                     f"[{escape(sentence, markdown=True, limit=80)}]({link}) |")
    rest = len(rows) - len(named)
    if named and rest:
        lines.append("\n" + t("heads_table_more", lang, n=rest))
    return "\n".join(lines)
