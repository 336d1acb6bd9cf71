"""The Explain lesson's pictures: highlighted text, attribution bars, attention beside attribution, the head scan.

Design decision: red always means "pushes the label up" and blue "pushes it down" (highlight, bars and scan
alike), and the highlighted text is built from the student's own characters (the tokenizer's offsets), so a
word split into pieces reads as the word with its pieces shaded, not as "hum ##ming ##bird". Every piece of
user text goes through ``escape``/``safe_label``. Numbers keep two significant digits however small
(``core.text.number``) and axes and colour bars are in plain units (no "500μ"). Two sentences compared share
one colour scale and one axis range, so the same shade or bar height means the same amount in both.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.core.classifier import label_text
from components.core.figures import FONT, base_layout, export_name, safe_label, token_ticks
from components.core.messages import t
from components.core.text import escape, number
from components.explain.ablation import Scan
from components.explain.compute import AttentionComparison, Explanation, Unit, unit_scores

__all__ = ["attention_figure", "attribution_figure", "attribution_pair_figure", "highlight_html", "highlight_pair_html",
           "scan_figure"]

UP, DOWN = "#D6404E", "#3B6FB6"  # red pushes the label up, blue pushes it down
_UP_RGB, _DOWN_RGB = "214, 64, 78", "59, 111, 182"


def _what(explanation: Explanation, lang: str) -> str:
    if explanation.output == "logit" or explanation.activation == "none":
        return t("expl_fig_logit", lang)
    return t("expl_fig_probability", lang)


def _method(explanation: Explanation, lang: str) -> str:
    return t("expl_method_ig" if explanation.method == "ig" else "expl_method_gxi", lang)


def _largest(scores: np.ndarray) -> float:
    return float(np.abs(scores).max()) if len(scores) else 0.0


def _shaded(explanation: Explanation, groups: list[Unit], scale: float) -> str:
    """The text with each unit shaded by its attribution over ``scale``, tokens the tokenizer added apart."""
    scores = unit_scores(explanation, groups)
    text = explanation.analysis.text
    parts, cursor = [], 0
    for unit, score in zip(groups, scores):
        tip = escape(f"{unit.text}: {number(score, sign=True)}")
        if unit.special:
            parts.append(f"<span class='bl-special' title='{tip}' style='color:#666;font-size:0.8em;"
                         f"padding:0 0.3em'>{escape(unit.text)}</span>")
            continue
        if unit.start > cursor:
            parts.append(escape(text[cursor:unit.start]))
        rgb = _UP_RGB if score >= 0 else _DOWN_RGB
        alpha = min(1.0, abs(score) / scale) * 0.85
        parts.append(f"<span title='{tip}' data-score='{score:.6g}' style='background:rgba({rgb},{alpha:.3f});"
                     f"color:#111;border-radius:3px;padding:0 1px'>{escape(text[unit.start:unit.end])}</span>")
        cursor = max(cursor, unit.end)
    return (f"<div class='bl-explain-text' style='font-size:1.25em;line-height:2;white-space:pre-wrap'>"
            f"{''.join(parts)}</div>")


def _legend(label: str, lang: str) -> str:
    return (f"<div style='font-size:0.85em;margin-top:0.6em'><span style='background:rgba({_UP_RGB},0.6);"
            f"padding:0 4px'>{escape(t('expl_legend_up', lang))}</span> &nbsp; <span style='background:"
            f"rgba({_DOWN_RGB},0.6);padding:0 4px'>{escape(t('expl_legend_down', lang))}</span> &nbsp; "
            f"({escape(label_text(label, lang))})</div>")


def highlight_html(explanation: Explanation, groups: list[Unit], lang: str) -> str:
    """The text with each unit shaded by its attribution (scaled by the largest), tokens added shown apart."""
    scale = _largest(unit_scores(explanation, groups)) or 1.0
    return _shaded(explanation, groups, scale) + _legend(explanation.label, lang)


def highlight_pair_html(first: Explanation, first_groups: list[Unit], second: Explanation, second_groups: list[Unit],
                        lang: str) -> str:
    """Both sentences one above the other, shaded on one scale: the largest attribution of either."""
    scale = max(_largest(unit_scores(first, first_groups)), _largest(unit_scores(second, second_groups))) or 1.0
    rows = [f"<div class='bl-pair-row' style='margin-bottom:0.4em'><div style='font-size:0.85em;color:#555'>"
            f"{escape(t(key, lang))}</div>{_shaded(expl, groups, scale)}</div>"
            for key, expl, groups in (("expl_cmp_first", first, first_groups),
                                      ("expl_cmp_second", second, second_groups))]
    return "".join(rows) + _legend(first.label, lang)


def _bars(explanation: Explanation, groups: list[Unit], lang: str) -> go.Bar:
    scores = unit_scores(explanation, groups)
    return go.Bar(x=list(range(len(groups))), y=scores.tolist(), name=t("expl_fig_attribution", lang),
                  customdata=[safe_label(u.text, 30) for u in groups], hovertext=[number(v, sign=True) for v in scores],
                  marker_color=[UP if v >= 0 else DOWN for v in scores], showlegend=False,
                  hovertemplate="%{customdata}: %{hovertext}<extra></extra>")


def _unit_word(groups: list[Unit], lang: str) -> str:
    return t("expl_fig_word" if any(len(u.indices) > 1 for u in groups) else "expl_fig_token", lang)


def attribution_figure(explanation: Explanation, groups: list[Unit], lang: str, text: str = "") -> go.Figure:
    """One bar per token (or word), red up / blue down, in reading order."""
    fig = go.Figure(_bars(explanation, groups, lang))
    title = t("expl_fig_attr_title", lang, label=label_text(explanation.label, lang), what=_what(explanation, lang),
              method=_method(explanation, lang))
    base_layout(fig, title, height=420, export=export_name("explain", text))
    fig.update_layout(xaxis=dict(title=_unit_word(groups, lang), **token_ticks([u.text for u in groups])),
                      yaxis=dict(title=t("expl_fig_attribution", lang), zeroline=True, exponentformat="none"))
    return fig


def attribution_pair_figure(first: Explanation, first_groups: list[Unit], second: Explanation,
                            second_groups: list[Unit], lang: str, text: str = "") -> go.Figure:
    """Sentence 1's bars above sentence 2's, on one y range, so a bar's height means the same in both."""
    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.2,
                        subplot_titles=[t("expl_cmp_first", lang), t("expl_cmp_second", lang)])
    bound = max(_largest(unit_scores(first, first_groups)), _largest(unit_scores(second, second_groups))) or 1.0
    for row, (expl, groups) in enumerate(((first, first_groups), (second, second_groups)), start=1):
        fig.add_trace(_bars(expl, groups, lang), row=row, col=1)
        fig.update_xaxes(title=_unit_word(groups, lang), **token_ticks([u.text for u in groups]), row=row, col=1)
        fig.update_yaxes(range=[-1.1 * bound, 1.1 * bound], title=t("expl_fig_attribution", lang), zeroline=True,
                         exponentformat="none", row=row, col=1)
    title = t("expl_fig_attr_title", lang, label=label_text(first.label, lang), what=_what(first, lang),
              method=_method(first, lang))
    base_layout(fig, title, height=640, export=export_name("explain-compare", text))
    fig.update_annotations(font=dict(size=13, family=FONT["family"]))
    return fig


def attention_figure(explanation: Explanation, groups: list[Unit], comparison: AttentionComparison, lang: str,
                     text: str = "") -> go.Figure:
    """|attribution|, rollout from [CLS] and last-layer attention from [CLS], each scaled to sum to 1 over the
    sentence's tokens ([CLS]/[SEP] left out: they hold most of the attention and none of the attribution)."""
    keep = [i for i, u in enumerate(groups) if not u.special]
    kept = [groups[i] for i in keep]
    series = (("expl_fig_abs_attribution", np.abs(unit_scores(explanation, groups)), UP),
              ("expl_fig_rollout", comparison.rollout, "#7F7F7F"), ("expl_fig_last", comparison.last_mean, "#E3A33B"))
    names = [safe_label(u.text, 30) for u in kept]
    fig = go.Figure()
    for key, values, color in series:
        part = np.asarray(values, dtype=float)[keep]
        share = part / part.sum() if part.sum() > 0 else part
        fig.add_bar(x=list(range(len(kept))), y=share.tolist(), name=t(key, lang), marker_color=color,
                    customdata=names, hovertemplate="%{customdata}: %{y:.3f}<extra>" + t(key, lang) + "</extra>")
    base_layout(fig, t("expl_fig_attn_title", lang, label=label_text(explanation.label, lang)), height=400,
                export=export_name("explain-attention", text))
    axis = dict(title=t("expl_fig_token", lang), **token_ticks([u.text for u in kept]))
    fig.update_layout(barmode="group", xaxis=axis,
                      yaxis=dict(title=t("expl_fig_share", lang)), legend=dict(orientation="h", y=1.02, x=0))
    return fig


def scan_figure(result: Scan, label: str, lang: str, text: str = "") -> go.Figure:
    """The L x H map of the change in the label's score when each head alone is switched off."""
    delta = result.delta
    layers, heads = delta.shape
    bound = float(np.abs(delta).max()) or 1.0
    # two significant digits of the largest change, however small it is (no grid of "+0.0000")
    digits = int(min(12, max(2, np.ceil(-np.log10(bound)) + 1)))
    cells = [[number(v, sign=True, decimals=digits, significant=1) for v in row] for row in delta]
    layer_word, head_word, change = t("expl_fig_layer", lang), t("expl_fig_head", lang), t("expl_fig_change", lang)
    fig = go.Figure(go.Heatmap(
        z=delta.tolist(), x=list(range(1, heads + 1)), y=list(range(1, layers + 1)), zmin=-bound, zmax=bound,
        colorscale=[[0.0, DOWN], [0.5, "#FFFFFF"], [1.0, UP]],
        colorbar=dict(title=change, exponentformat="none", tickformat=f"+.{digits}f"),
        text=cells, texttemplate="%{text}", textfont=dict(size=10),
        hovertemplate=f"{layer_word} %{{y}}, {head_word} %{{x}}: {change} %{{text}}<extra></extra>"))
    what = t("expl_fig_logit" if result.output == "logit" else "expl_fig_probability", lang)
    title = t("expl_fig_scan_title", lang, label=label_text(label, lang), what=what)
    base_layout(fig, title, height=max(320, 40 * layers + 140), export=export_name("explain-scan", text))
    fig.update_layout(xaxis=dict(title=head_word, dtick=1), yaxis=dict(title=layer_word, dtick=1, autorange="reversed"))
    return fig
