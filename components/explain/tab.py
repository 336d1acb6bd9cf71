"""The Explain tab: why the classifier gave a label, three ways side by side.

Attributions per label (Integrated Gradients or gradient x input) as highlighted text and bars, IG's
completeness check, attention from [CLS] beside the attribution, and a layer x head grid of heads to switch
off (with a scan of every head alone). A browser that trained its own classifier in the Fine-tuning tab
explains that one (``session_classifier``), like Predict.

Design decision: the heads grid is a CheckboxGroup of "L{layer}H{head}" toggles, laid out as a grid by a style
injected once and filled with this classifier's heads by each run, but the events read the switched-off heads
from a hidden text box the grid writes into ("L1H1 L6H12", which is also what the API takes). Gradio would
check a CheckboxGroup's values against the choices it last sent this browser, with its own English message;
the lesson checks the names (``parse_heads``), and its message names the layers and heads that exist.
"""

from __future__ import annotations

import re

import gradio as gr
import numpy as np

from components.core.analysis import Analysis
from components.core.classifier import Classifier, label_text, probabilities
from components.core.messages import render, t
from components.core.services import Services
from components.core.text import MAX_CHARS, escape
from components.explain.ablation import MODES, Ablation, ablate, head_names, parse_heads, scan, shape
from components.explain.compute import (
    DEFAULT_STEPS,
    Explanation,
    attention_comparison,
    chinese_words_are_characters,
    explain,
    known_labels,
    read,
    resolve_label,
    unit_scores,
    units,
)
from components.explain.figures import attention_figure, attribution_figure, highlight_html, scan_figure
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import TabContext, TabHandle, csv_button, examples

TAB_ID = "explain"
TITLE = "tab_explain"

ABLATION_COLUMN_KEYS = ("expl_col_label", "expl_col_before", "expl_col_after", "expl_col_change")
MODE_KEYS = {"zero": "expl_mode_zero", "mean": "expl_mode_mean"}
MODE_SHORT_KEYS = {"zero": "expl_mode_zero_short", "mean": "expl_mode_mean_short"}
UI_MAX_STEPS = 256
MAX_HEADS = 16  # BERT-large's: the widest grid the style lays out
PROGRESS = gr.Progress()  # heavy lane: Gradio shows the bar this default stands for; one instance serves every call
STYLE = "<style>.bl-heads .wrap{display:grid!important;gap:2px 4px}" + "".join(
    f".bl-heads-{n} .wrap{{grid-template-columns:repeat({n},minmax(0,1fr))}}" for n in range(1, MAX_HEADS + 1)
) + ".bl-heads label{min-width:0!important;font-size:0.72em;padding:1px 3px!important;gap:3px!important}</style>"

EXAMPLES = [
    "Thank you so much for helping me with my homework!",
    "Wow, I can't believe we won! Thank you all!",
    "I'm worried the bus won't come and I'll miss my exam.",
    "Sorry I forgot your birthday, that was thoughtless of me.",
    "我喜欢吃苹果。",
    "谢谢你帮我复习，我终于考过了！",
]


def label_choices(labels, lang: str) -> list[tuple[str, str]]:
    return [(t("expl_label_top", lang), ""), *[(label_text(name, lang), name) for name in labels]]


def _what(expl: Explanation) -> str:
    if expl.output == "logit":
        return "expl_what_logit"
    return {"sigmoid": "expl_what_sigmoid", "softmax": "expl_what_softmax"}.get(expl.activation, "expl_what_score")


def summary_markdown(expl: Explanation, groups, lang: str, own: bool, words: bool = False) -> str:
    """What is explained, the tokens that push it most, the completeness check and the input's notes."""
    method = t("expl_ig_steps", lang, steps=expl.steps) if expl.method == "ig" else t("expl_method_gxi", lang)
    lines = [f"*{render(note, lang, escape=lambda s: escape(s, markdown=True))}*" for note in expl.warnings()]
    lines += [t("expl_summary", lang, label=escape(label_text(expl.label, lang), markdown=True),
               what=t(_what(expl), lang), value=expl.value, method=method)]
    scores = unit_scores(expl, groups)
    order = [i for i in np.argsort(-scores, kind="stable") if not groups[i].special]

    def listed(indices) -> str:
        named = [f"**{escape(groups[i].text, markdown=True)}** ({scores[i]:+.3f})" for i in indices[:3]]
        return ", ".join(named) if named else t("expl_nothing", lang)

    lines.append(t("expl_extremes", lang, up=listed([i for i in order if scores[i] > 0]),
                   down=listed([i for i in reversed(order) if scores[i] < 0])))
    params = dict(value=expl.value, base=expl.baseline_value, total=expl.total, delta=expl.delta)
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


def ablation_outputs(classifier: Classifier, result: Ablation, label_index: int, lang: str):
    """(table, note) for every label's score before and after switching the heads off."""
    order = np.argsort(-result.before, kind="stable")
    frame = {"headers": [t(key, lang) for key in ABLATION_COLUMN_KEYS],
             "data": [[label_text(classifier.labels[i], lang), round(float(result.before[i]), 4),
                       round(float(result.after[i]), 4), round(float(result.after[i] - result.before[i]), 4)]
                      for i in order]}
    if not result.heads:
        return frame, t("expl_ablation_none", lang)
    moved = int(np.argmax(np.abs(result.after - result.before)))
    note = t("expl_ablation_off", lang, n=len(result.heads), mode=t(MODE_SHORT_KEYS[result.mode], lang),
             heads=[f"L{layer + 1}H{head + 1}" for layer, head in result.heads],
             label=escape(label_text(classifier.labels[label_index], lang), markdown=True),
             before=result.before[label_index], after=result.after[label_index])
    if moved != label_index:
        note += " " + t("expl_ablation_moved", lang, moved=escape(label_text(classifier.labels[moved], lang),
                                                                   markdown=True),
                        moved_before=result.before[moved], moved_after=result.after[moved])
    return frame, note


def _heads(classifier: Classifier, heads_off: str | None) -> tuple[tuple[int, int], ...]:
    return parse_heads(re.split(r"[\s,;]+", (heads_off or "").strip()) if (heads_off or "").strip() else [],
                       *shape(classifier.model))


def explain_endpoint(services: Services):
    @user_errors
    def run(text: str, label: str, method: str, output: str, steps: float, words: bool, heads_off: str,
            ablation: str, lang: str = "en", own: str | None = None, progress=PROGRESS):
        progress(0, desc=t("expl_progress", lang))
        classifier = services.classifier(own)
        expl = explain(classifier, text, label or None, method, output, int(steps))
        show_warnings(expl.warnings(), lang)
        groups = units(expl, bool(words))
        comparison = attention_comparison(expl, groups)
        off = _heads(classifier, heads_off)
        frame, note = ablation_outputs(classifier, ablate(classifier, expl.analysis, off, ablation), expl.label_index,
                                       lang)
        layers, heads = shape(classifier.model)
        names = head_names(layers, heads)
        picked = {f"L{layer + 1}H{head + 1}" for layer, head in off}
        grid = gr.update(choices=names, value=[n for n in names if n in picked], visible=True,
                         elem_classes=["bl-heads", f"bl-heads-{heads}"])
        return (expl.as_json(text), summary_markdown(expl, groups, lang, bool(own), bool(words)),
                highlight_html(expl, groups, lang), attribution_figure(expl, groups, lang, text),
                attention_figure(expl, groups, comparison, lang, text),
                attention_markdown(comparison, lang), frame, note,
                gr.update(choices=label_choices(classifier.labels, lang)), grid, gr.update(visible=False),
                gr.update(visible=expl.needs_more_steps and expl.steps < UI_MAX_STEPS), None, "")

    return run


def _read_label(services: Services, text: str, label: str, own: str | None) -> tuple[Classifier, Analysis, int]:
    """The classifier, its reading of the text and the label's index (the top label when none is chosen)."""
    classifier = services.classifier(own)
    analysis = read(classifier, text)
    return classifier, analysis, resolve_label(classifier, label or None, probabilities(classifier, analysis.logits))


def ablation_endpoint(services: Services):
    @user_errors
    def switch(text: str, label: str, heads_off: str, ablation: str, lang: str = "en", own: str | None = None,
               progress=PROGRESS):
        progress(0, desc=t("expl_switch_progress", lang))
        classifier, analysis, index = _read_label(services, text, label, own)
        return ablation_outputs(classifier, ablate(classifier, analysis, _heads(classifier, heads_off), ablation),
                                index, lang)

    return switch


def scan_endpoint(services: Services):
    @user_errors
    def run_scan(text: str, label: str, output: str, ablation: str, lang: str = "en", own: str | None = None,
                 progress=PROGRESS):
        progress(0, desc=t("expl_scan_progress", lang))
        classifier, analysis, index = _read_label(services, text, label, own)
        result = scan(classifier, analysis, index, output, ablation)
        delta = result.delta
        low, high = np.unravel_index(np.argmin(delta), delta.shape), np.unravel_index(np.argmax(delta), delta.shape)
        note = t("expl_scan_note", lang, n=delta.size, mode=t(MODE_SHORT_KEYS[ablation], lang), rows=delta.size + 1,
                 best=f"L{low[0] + 1}H{low[1] + 1}", low=float(delta[low]), worst=f"L{high[0] + 1}H{high[1] + 1}",
                 high=float(delta[high]), label=escape(label_text(classifier.labels[index], lang), markdown=True))
        return scan_figure(result, classifier.labels[index], lang, text), note

    return run_scan


def relabel(lang: str, own: str | None, services: Services):
    """The label menu in the session's language (read from the classifier's files: nothing is loaded)."""
    return gr.update(choices=label_choices(known_labels(own or services.config.classifier), lang))


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    services = ctx.services
    gr.Markdown(i18n("expl_intro"))
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label=i18n("expl_text"), value=EXAMPLES[0], lines=2, max_length=MAX_CHARS,
                              elem_id="explain-text")
            with gr.Row():
                label = gr.Dropdown([(i18n("expl_label_top"), ""), *[(n, n) for n in known_labels(
                    services.config.classifier)]], value="", label=i18n("expl_label"), allow_custom_value=True,
                    elem_id="explain-label")
                method = gr.Radio([(i18n("expl_method_ig"), "ig"), (i18n("expl_method_gxi"), "gradxinput")],
                                  value="ig", label=i18n("expl_method"))
                output = gr.Radio([(i18n("expl_output_probability"), "probability"),
                                   (i18n("expl_output_logit"), "logit")], value="probability",
                                  label=i18n("expl_output"))
            with gr.Row():
                steps = gr.Slider(8, UI_MAX_STEPS, value=DEFAULT_STEPS, step=8, label=i18n("expl_steps"),
                                  elem_id="explain-steps")
                words = gr.Checkbox(value=False, label=i18n("expl_words"))
            run = gr.Button(i18n("expl_run"), variant="primary", elem_id="explain-run")
            examples([[e] for e in EXAMPLES], [text], i18n)
        with gr.Column(scale=2):
            summary = gr.Markdown(elem_id="explain-summary")
            more = gr.Button(i18n("expl_more"), visible=False, elem_id="explain-more")
    highlight = gr.HTML(label=i18n("expl_highlight"), elem_id="explain-highlight", head=STYLE)
    bars = gr.Plot(label=i18n("expl_bars"), elem_id="explain-bars")
    gr.Markdown(i18n("expl_h_attention"))
    attention = gr.Plot(label=i18n("expl_attention_plot"), elem_id="explain-attention")
    attention_note = gr.Markdown(elem_id="explain-attention-note")
    gr.Markdown(i18n("expl_h_heads"))
    hint = gr.Markdown(i18n("expl_heads_hint"))
    with gr.Row():
        heads = gr.CheckboxGroup([], label=i18n("expl_heads"), visible=False, scale=3, elem_id="explain-heads",
                                 elem_classes=["bl-heads"])
        heads_off = gr.Textbox("", visible=False, label=i18n("expl_heads"), max_length=MAX_CHARS)
        with gr.Column(scale=1):
            ablation = gr.Radio([(i18n(MODE_KEYS[m]), m) for m in MODES], value="zero",
                                label=i18n("expl_ablation"))
            scan_button = gr.Button(i18n("expl_scan"), elem_id="explain-scan")
    ablation_note = gr.Markdown(elem_id="explain-ablation-note")
    table = gr.Dataframe(label=i18n("expl_table"), interactive=False, elem_id="explain-table")
    csv_button(i18n, table, "bertlens-explain-heads")
    scan_plot = gr.Plot(label=i18n("expl_scan_plot"), elem_id="explain-scan-plot")
    scan_note = gr.Markdown(elem_id="explain-scan-note")
    with gr.Accordion(i18n("expl_json"), open=False):
        record = gr.JSON(elem_id="explain-json")

    own, lang = ctx.session_classifier, ctx.lang
    fn = explain_endpoint(services)
    inputs = [text, label, method, output, steps, words, heads_off, ablation, lang, own]
    outputs = [record, summary, highlight, bars, attention, attention_note, table, ablation_note, label, heads, hint,
               more, scan_plot, scan_note]
    ctx.heavy(run.click, fn, inputs, outputs, api_name="explain")
    ctx.heavy(text.submit, fn, inputs, outputs, api_name=False)
    for control in (label, method, output, words):
        ctx.heavy(control.input, fn, inputs, outputs, api_name=False)
    stepped = more.click(lambda s: min(UI_MAX_STEPS, int(s) * 4), steps, steps, api_name=False)
    ctx.heavy(stepped.then, fn, inputs, outputs, api_name=False)
    switch = ablation_endpoint(services)
    switch_inputs = [text, label, heads_off, ablation, lang, own]
    picked = heads.input(None, heads, heads_off, js="(names) => (names || []).join(' ')", trigger_mode="always_last",
                         api_name=False)
    ctx.heavy(picked.then, switch, switch_inputs, [table, ablation_note], api_name="explain_heads",
                    show_progress="hidden")
    ctx.heavy(ablation.input, switch, switch_inputs, [table, ablation_note], api_name=False)
    ctx.heavy(scan_button.click, scan_endpoint(services), [text, label, output, ablation, lang, own],
                    [scan_plot, scan_note], api_name="explain_scan")
    for state in (lang, own):
        ctx.light(state.change, lambda lg, o: relabel(lg, o, services), [lang, own], label, api_name=False,
                  show_progress="hidden")
    return TabHandle(fields={"text": text, "label": label, "method": method, "output": output, "steps": steps,
                             "words": words}, run=(fn, inputs, outputs), lane="heavy")
