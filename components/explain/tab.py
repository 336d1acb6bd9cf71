"""The Explain tab: why the classifier gave a label, three ways side by side.

Attributions per label (Integrated Gradients or gradient x input) as highlighted text and bars, IG's
completeness check, attention from [CLS] beside the attribution, and a layer x head grid of heads to switch
off (with a scan of every head alone). A browser that trained its own classifier in the Fine-tuning tab
explains that one (``session_classifier``), like Predict. With compare on, a second sentence is explained
for the same label, one above the other on one colour scale (``/explain_compare``, chained after
``/explain``, whose inputs and outputs stay as scripts know them).

Design decisions: compute (``compute``, ``ablation``, ``pair``) -> view (``view``) -> this module, wiring
only. The heads grid is a CheckboxGroup of "L{layer}H{head}" toggles, laid out as a grid by a style
injected once and filled with this classifier's heads by each run, but the events read the switched-off heads
from a hidden text box the grid writes into ("L1H1 L6H12", which is also what the API takes). Gradio would
check a CheckboxGroup's values against the choices it last sent this browser, with its own English message;
the lesson checks the names (``parse_heads``), and its message names the layers and heads that exist. The
label menu and the grid are controls: an event that updates them shows its progress (and an error) on the
display outputs only, so a control never turns into an error badge.
"""

from __future__ import annotations

import re

import gradio as gr

from components.core.classifier import Classifier, known_language, probabilities
from components.core.messages import UserError, t
from components.core.minimal_pairs import pairs_for
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.explain.ablation import MODES, ablate, parse_heads, scan, shape
from components.explain.compute import DEFAULT_STEPS, explain, known_labels, resolve_label
from components.explain.pair import explain_pair
from components.explain.view import (
    UI_MAX_STEPS,
    ExplainView,
    ablation_outputs,
    compare_view,
    explain_view,
    label_choices,
    scan_outputs,
)
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider
from components.ui.widgets import (
    TabContext,
    TabHandle,
    compare_sentence,
    csv_button,
    examples,
    pair_examples,
    run_then_compare,
    when_on,
)

TAB_ID = "explain"
TITLE = "tab_explain"

MODE_KEYS = {"zero": "expl_mode_zero", "mean": "expl_mode_mean"}
MAX_HEADS = 16  # BERT-large's: the widest grid the style lays out
PROGRESS = gr.Progress()  # heavy lane: Gradio shows the bar this default stands for; one instance serves every call
STYLE = "<style>.bl-heads .wrap{display:grid!important;gap:2px 4px}" + "".join(
    f".bl-heads-{n} .wrap{{grid-template-columns:repeat({n},minmax(0,1fr))}}" for n in range(1, MAX_HEADS + 1)
) + ".bl-heads label{min-width:0!important;font-size:0.72em;padding:1px 3px!important;gap:3px!important}</style>"

# The first is the default: on minilm's shipped classifier nervousness is 0.60 (not saturated), "worried"
# carries it (+0.66) and switching L6H10 off alone lowers it by 0.19 (tests/test_compare.py measures it).
EXAMPLES = {
    "en": ["I'm worried the bus won't come and I'll miss my exam.",
           "The movie was long, and honestly I didn't understand the ending.",
           "Wait, how does a tiny seed grow into such a tall tree?",
           "Sorry I forgot your birthday, that was thoughtless of me.",
           "Thank you so much for helping me with my homework!"],
    "zh": ["我喜欢吃苹果。", "谢谢你帮我复习，我终于考过了！"],
}


def _examples(language: str) -> list[str]:
    """The examples this classifier can read (the shipped one reads English only)."""
    if language == "zh":
        return EXAMPLES["zh"]
    return EXAMPLES["en"] + (EXAMPLES["zh"] if language == "multi" else [])


def _heads(classifier: Classifier, heads_off: str | None) -> tuple[tuple[int, int], ...]:
    return parse_heads(re.split(r"[\s,;]+", (heads_off or "").strip()) if (heads_off or "").strip() else [],
                       *shape(classifier.model))


def _as_outputs(view: ExplainView) -> tuple:
    """The view in the order of the tab's outputs (the label menu and the grid are updated, never replaced)."""
    grid = gr.update(choices=view.heads, value=view.picked, visible=True,
                     elem_classes=["bl-heads", f"bl-heads-{view.n_heads}"])
    return (view.record, view.summary, view.highlight, view.bars, view.attention, view.attention_note, view.table,
            view.ablation_note, gr.update(choices=view.labels), grid, gr.update(visible=False),
            gr.update(visible=view.offer_more_steps), gr.update(visible=view.offer_logit), None, "")


def explain_endpoint(services: Services):
    @user_errors
    def run(text: str, label: str, method: str, output: str, steps: float, words: bool, heads_off: str,
            ablation: str, lang: str = "en", own: str | None = None, progress=PROGRESS):
        progress(0, desc=t("expl_progress", lang))
        classifier = services.classifier(own)
        analysis = services.reading(classifier, text, "full")
        expl = explain(classifier, analysis, label or None, method, output, int(steps))
        show_warnings(expl.warnings(), lang)
        switched = ablate(classifier, analysis, _heads(classifier, heads_off), ablation)
        return _as_outputs(explain_view(classifier, expl, switched, lang, bool(own), bool(words), text))

    return run


def compare_endpoint(services: Services):
    @user_errors
    def run_compare(text: str, second_text: str, label: str, method: str, output: str, steps: float, words: bool,
                    lang: str = "en", own: str | None = None):
        if not (second_text or "").strip():
            raise UserError("expl_compare_empty")
        classifier = services.classifier(own)
        pair = explain_pair(classifier, services.reading(classifier, text, "full"),
                            services.reading(classifier, second_text, "full"), label or None, method, output,
                            int(steps))
        show_warnings(pair.second.warnings(), lang)
        view = compare_view(pair, lang, bool(words), text)
        return view.note, view.highlight, view.bars, view.change

    return run_compare


def _read_label(services: Services, text: str, label: str, own: str | None):
    """The classifier, its reading of the text and the label's index (the top label when none is chosen)."""
    classifier = services.classifier(own)
    analysis = services.reading(classifier, text)
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
        return scan_outputs(classifier, scan(classifier, analysis, index, output, ablation), lang, text)

    return run_scan


def relabel(lang: str, own: str | None, services: Services):
    """The label menu in the session's language (read from the classifier's files: nothing is loaded)."""
    return gr.update(choices=label_choices(known_labels(own or services.config.classifier), lang))


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    services = ctx.services
    language = known_language(services.config.classifier)
    gr.Markdown(i18n("expl_intro"))
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label=i18n("expl_text"), value=_examples(language)[0], lines=2, max_length=MAX_CHARS,
                              elem_id="explain-text")
            on, second = compare_sentence(i18n, "explain")
            with gr.Row():
                label = gr.Dropdown([(i18n("expl_label_top"), ""), *[(n, n) for n in known_labels(
                    services.config.classifier)]], value="", label=i18n("expl_label"), allow_custom_value=True,
                    elem_id="explain-label")
                method = gr.Radio([(i18n("expl_method_ig"), "ig"), (i18n("expl_method_gxi"), "gradxinput")],
                                  value="ig", label=i18n("expl_method"))
                output = gr.Radio([(i18n("expl_output_probability"), "probability"),
                                   (i18n("expl_output_logit"), "logit")], value="probability",
                                  label=i18n("expl_output"), elem_id="explain-output")
            with gr.Row():
                steps = Slider(8, UI_MAX_STEPS, value=DEFAULT_STEPS, step=8, label=i18n("expl_steps"),
                                  elem_id="explain-steps")
                words = gr.Checkbox(value=False, label=i18n("expl_words"))
            run = gr.Button(i18n("expl_run"), variant="primary", elem_id="explain-run")
            examples([[e] for e in _examples(language)], [text], i18n)
            pair_examples(pairs_for(language), text, second, on, i18n, "explain-pairs")
        with gr.Column(scale=2):
            summary = gr.Markdown(elem_id="explain-summary")
            more = gr.Button(i18n("expl_more"), visible=False, elem_id="explain-more")
            use_logit = gr.Button(i18n("expl_use_logit"), visible=False, elem_id="explain-use-logit")
    highlight = gr.HTML(label=i18n("expl_highlight"), elem_id="explain-highlight", head=STYLE)
    bars = gr.Plot(label=i18n("expl_bars"), elem_id="explain-bars")
    with gr.Column(visible=False) as compared:
        gr.Markdown(i18n("expl_cmp_section"))
        compare_note = gr.Markdown(elem_id="explain-compare-note")
        compare_highlight = gr.HTML(label=i18n("expl_cmp_highlight"), elem_id="explain-compare-highlight")
        compare_bars = gr.Plot(label=i18n("expl_cmp_bars"), elem_id="explain-compare-bars")
        compare_change = gr.Plot(label=i18n("expl_cmp_change"), elem_id="explain-compare-change")
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
    on.change(lambda shown: gr.update(visible=bool(shown)), on, compared, queue=False, api_name=False,
              show_progress="hidden")

    own, lang = ctx.session_classifier, ctx.lang
    fn, run_compare = explain_endpoint(services), compare_endpoint(services)
    inputs = [text, label, method, output, steps, words, heads_off, ablation, lang, own]
    outputs = [record, summary, highlight, bars, attention, attention_note, table, ablation_note, label, heads, hint,
               more, use_logit, scan_plot, scan_note]
    display = [record, summary, highlight, bars, attention, attention_note, table, ablation_note, scan_plot, scan_note]
    compare_inputs = [text, second, label, method, output, steps, words, lang, own]
    compare_outputs = [compare_note, compare_highlight, compare_bars, compare_change]

    def wire(trigger, **kwargs):
        run_then_compare(ctx, trigger, fn, inputs, outputs, run_compare, compare_inputs, compare_outputs, on,
                         display=display, lane="heavy", **kwargs)

    wire(run.click, api_name="explain")
    wire(text.submit, api_name=False)
    wire(second.submit, api_name=False, compare_api_name="explain_compare")
    for control in (label, method, output, words):
        wire(control.input, api_name=False)
    wire(more.click(lambda s: min(UI_MAX_STEPS, int(s) * 4), steps, steps, api_name=False).then, api_name=False)
    wire(use_logit.click(lambda: "logit", None, output, api_name=False, queue=False).then, api_name=False)

    switch = ablation_endpoint(services)
    switch_inputs = [text, label, heads_off, ablation, lang, own]
    picked = heads.input(None, heads, heads_off, js="(names) => (names || []).join(' ')", trigger_mode="always_last",
                         api_name=False)
    for trigger, api_name in ((picked.then, "explain_heads"), (ablation.input, False)):
        ctx.heavy(trigger, switch, switch_inputs, [table, ablation_note], api_name=api_name, show_progress="hidden")
    scan_inputs = [text, label, output, ablation, lang, own]
    ctx.heavy(scan_button.click, scan_endpoint(services), scan_inputs, [scan_plot, scan_note], api_name="explain_scan")
    for state in (lang, own):
        ctx.light(state.change, lambda lg, o: relabel(lg, o, services), [lang, own], label, api_name=False,
                  show_progress="hidden")

    gated = when_on(run_compare, len(compare_outputs))

    def linked(on_value, first, second_text, label_value, method_value, output_value, steps_value, words_value,
               heads_value, ablation_value, lang_value, own_value):
        """A deep link runs both: the first sentence, then the comparison when the link turns it on."""
        return (*fn(first, label_value, method_value, output_value, steps_value, words_value, heads_value,
                    ablation_value, lang_value, own_value),
                *gated(on_value, first, second_text, label_value, method_value, output_value, steps_value,
                       words_value, lang_value, own_value))

    return TabHandle(fields={"text": text, "label": label, "method": method, "output": output, "steps": steps,
                             "words": words, "compare": on, "compare_text": second},
                     run=(linked, [on, text, second, *inputs[1:]], outputs + compare_outputs), lane="heavy")
