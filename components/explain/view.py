"""What the Explain tab shows, in the session's language: the summary, the attribution pictures, attention
beside them, every label before and after heads are switched off, the scan, and two sentences compared.

Design decision: the view turns computed data (``Explanation``, ``Ablation``, ``Scan``, ``ExplanationPair``)
into Markdown, tables and figures, and decides which offers the student sees (more steps; the logit when
the probability is saturated); it never loads or runs a model. Numbers keep two significant digits however
small (``core.text.number``): a change of 0.00006 is not "+0.0000".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from components.core.classifier import Classifier, label_text
from components.core.messages import render, t
from components.core.numbering import head_name
from components.core.text import escape, number, shown_table
from components.explain.ablation import Ablation, Scan, head_names
from components.explain.compute import (
    SATURATION,
    Explanation,
    attention_comparison,
    chinese_words_are_characters,
    unit_scores,
)
from components.explain.compute import units as units_of
from components.explain.figures import (
    attention_figure,
    attribution_figure,
    attribution_pair_figure,
    highlight_html,
    highlight_pair_html,
    scan_figure,
)
from components.explain.pair import ExplanationPair
from components.predict.figures import change_figure

__all__ = ["UI_MAX_STEPS", "CompareView", "ExplainView", "ablation_outputs", "compare_view", "explain_view",
           "label_choices", "scan_outputs"]

UI_MAX_STEPS = 256
ABLATION_COLUMN_KEYS = ("expl_col_label", "expl_col_before", "expl_col_after", "expl_col_change")
MODE_SHORT_KEYS = {"zero": "expl_mode_zero_short", "mean": "expl_mode_mean_short"}
WHAT_KEYS = {"sigmoid": "expl_what_sigmoid", "softmax": "expl_what_softmax"}


def label_choices(labels, lang: str) -> list[tuple[str, str]]:
    return [(t("expl_label_top", lang), ""), *[(label_text(name, lang), name) for name in labels]]


def _label(label: str, lang: str) -> str:
    return escape(label_text(label, lang), markdown=True)


def _what(expl: Explanation) -> str:
    return "expl_what_logit" if expl.output == "logit" else WHAT_KEYS.get(expl.activation, "expl_what_score")


def summary_markdown(expl: Explanation, groups, lang: str, own: bool, words: bool = False) -> str:
    """What is explained, the tokens that push it most, the completeness check and the input's notes."""
    method = t("expl_ig_steps", lang, steps=expl.steps) if expl.method == "ig" else t("expl_method_gxi", lang)
    lines = [f"*{render(note, lang, escape=lambda s: escape(s, markdown=True))}*" for note in expl.warnings()]
    lines += [t("expl_summary", lang, label=_label(expl.label, lang), what=t(_what(expl), lang),
                value=number(expl.value), method=method)]
    if expl.saturated:
        lines.append(t("expl_saturated", lang, value=number(expl.value)))
    scores = unit_scores(expl, groups)
    order = [i for i in np.argsort(-scores, kind="stable") if not groups[i].special]

    def listed(indices) -> str:
        named = [f"**{escape(groups[i].text, markdown=True)}** ({number(scores[i], sign=True)})" for i in indices[:3]]
        return t("expl_list_sep", lang).join(named) if named else t("expl_nothing", lang)

    lines.append(t("expl_extremes", lang, up=listed([i for i in order if scores[i] > 0]),
                   down=listed([i for i in reversed(order) if scores[i] < 0])))
    params = dict(value=number(expl.value), base=number(expl.baseline_value), total=number(expl.total),
                  delta=number(expl.delta))
    if expl.method == "gradxinput":
        lines.append(t("expl_gxi_check", lang, **params))
    elif expl.gap is None:
        lines.append(t("expl_complete_none", lang))
    else:
        check = t("expl_complete", lang, gap=abs(expl.gap), **params)
        more = min(UI_MAX_STEPS, expl.steps * 4)
        verdict = ("expl_complete_ok" if not expl.needs_more_steps else
                   "expl_complete_bad" if more > expl.steps else "expl_complete_max")
        lines.append(f"{check} {t(verdict, lang, steps=expl.steps, more=more)}")
    if words and chinese_words_are_characters(expl, groups):
        lines.append(t("expl_words_zh", lang))
    if own:
        lines.append(t("expl_session", lang))
    return "\n\n".join(lines)


def attention_markdown(comparison, lang: str) -> str:
    def rho(value):
        return t("expl_attn_na", lang) if value is None else f"{value:+.2f}"

    return (t("expl_attn_rho", lang, n=comparison.n, rollout=rho(comparison.rho_rollout), last=rho(comparison.rho_last))
            + "\n\n*" + t("expl_attn_why", lang) + "*")


def ablation_outputs(classifier: Classifier, result: Ablation, label_index: int, lang: str) -> tuple[dict, str]:
    """(table, note) for every label's score before and after switching the heads off."""
    order = np.argsort(-result.before, kind="stable")
    rows = [[label_text(classifier.labels[i], lang), float(result.before[i]), float(result.after[i]),
             float(result.after[i] - result.before[i])] for i in order]
    # the cells sort by their numbers and read as the note beside the table writes them ("0.6050", not "0.605")
    frame = shown_table([t(key, lang) for key in ABLATION_COLUMN_KEYS], rows,
                        {1: number, 2: number, 3: lambda v: number(v, sign=True)})
    if not result.heads:
        return frame, t("expl_ablation_none", lang)
    moved = int(np.argmax(np.abs(result.after - result.before)))
    note = t("expl_ablation_off", lang, n=len(result.heads), mode=t(MODE_SHORT_KEYS[result.mode], lang),
             heads=[head_name(layer, head) for layer, head in result.heads],
             label=_label(classifier.labels[label_index], lang), before=number(result.before[label_index]),
             after=number(result.after[label_index]))
    if moved != label_index:
        note += " " + t("expl_ablation_moved", lang, moved=_label(classifier.labels[moved], lang),
                        moved_before=number(result.before[moved]), moved_after=number(result.after[moved]))
    return frame, note


def scan_outputs(classifier: Classifier, result: Scan, lang: str, text: str) -> tuple[go.Figure, str]:
    """(layer x head map, note) of the scan; a saturated probability is said, with the way out."""
    delta = result.delta
    low, high = np.unravel_index(np.argmin(delta), delta.shape), np.unravel_index(np.argmax(delta), delta.shape)
    label = classifier.labels[result.label_index]
    note = t("expl_scan_note", lang, n=delta.size, mode=t(MODE_SHORT_KEYS[result.mode], lang), rows=delta.size + 1,
             best=head_name(*low), low=number(delta[low], sign=True), worst=head_name(*high),
             high=number(delta[high], sign=True), label=_label(label, lang))
    saturated = not SATURATION <= result.before <= 1 - SATURATION
    if result.output == "probability" and classifier.activation != "none" and saturated:
        note += "\n\n" + t("expl_scan_saturated", lang, value=number(result.before))
    return scan_figure(result, label, lang, text), note


@dataclass(frozen=True, eq=False)
class ExplainView:
    """Everything the tab shows for one explanation, ready for its components."""

    record: dict
    summary: str
    highlight: str
    bars: go.Figure
    attention: go.Figure
    attention_note: str
    table: dict
    ablation_note: str
    labels: list[tuple[str, str]]  # the label menu's choices in the session's language
    heads: list[str]  # every head's name, for the grid
    picked: list[str]  # the heads switched off
    n_heads: int  # heads per layer: the grid's columns
    offer_more_steps: bool
    offer_logit: bool


def explain_view(classifier: Classifier, expl: Explanation, ablation: Ablation, lang: str, own: bool, words: bool,
                 text: str) -> ExplainView:
    groups = units_of(expl, words)
    comparison = attention_comparison(expl, groups)
    table, note = ablation_outputs(classifier, ablation, expl.label_index, lang)
    config = classifier.model.config
    layers, n_heads = int(config.num_hidden_layers), int(config.num_attention_heads)
    return ExplainView(
        record=expl.as_json(text), summary=summary_markdown(expl, groups, lang, own, words),
        highlight=highlight_html(expl, groups, lang), bars=attribution_figure(expl, groups, lang, text),
        attention=attention_figure(expl, groups, comparison, lang, text),
        attention_note=attention_markdown(comparison, lang), table=table, ablation_note=note,
        labels=label_choices(classifier.labels, lang), heads=head_names(layers, n_heads),
        picked=[head_name(layer, head) for layer, head in ablation.heads], n_heads=n_heads,
        offer_more_steps=expl.needs_more_steps and expl.steps < UI_MAX_STEPS, offer_logit=expl.saturated)


@dataclass(frozen=True, eq=False)
class CompareView:
    highlight: str
    bars: go.Figure
    change: go.Figure
    note: str


def compare_view(pair: ExplanationPair, lang: str, words: bool, text: str) -> CompareView:
    """Both sentences' attributions on one scale, every label's change, and the explained label's move."""
    first, second = pair.first, pair.second
    first_groups, second_groups = units_of(first, words), units_of(second, words)
    what = t("expl_fig_logit" if first.output == "logit" or first.activation == "none" else "expl_fig_probability",
             lang)
    note = t("expl_cmp_note", lang, label=_label(first.label, lang), what=what,
             first=number(first.value), second=number(second.value), change=number(pair.value_change, sign=True))
    if first.saturated or second.saturated:
        note += "\n\n" + t("expl_cmp_saturated", lang)
    return CompareView(
        highlight=highlight_pair_html(first, first_groups, second, second_groups, lang),
        bars=attribution_pair_figure(first, first_groups, second, second_groups, lang, text),
        change=change_figure(first.labels, first.probs, second.probs, lang, probability=first.activation != "none",
                             text=text),
        note=note + "\n\n" + t("expl_cmp_scale", lang))
