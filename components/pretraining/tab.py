"""The Pre-training tab: fill in the blank (guess first), BERT's masking recipe, next-sentence prediction.

Words are clicked in a ``gr.CheckboxGroup`` (keyboard- and screen-reader-friendly; checked =
hidden), refreshed on page load and whenever the sentence or the model changes, with the line
saying which model answers (or which models would, and how to get one).
"""

from __future__ import annotations

import functools
import random

import gradio as gr

from components.core.analysis import analyze
from components.core.messages import UserError, render, t
from components.core.numbering import clamp
from components.core.services import Services
from components.core.text import MAX_CHARS, escape
from components.pretraining.compute import MAX_TOP_K, fill_mask, mask_input, next_sentence, rank_guess, words
from components.pretraining.figures import attention_figure, fill_figure, nsp_input_figure, recipe_figure
from components.pretraining.heads import choose_model
from components.pretraining.recipe import MAX_SEED, draw, recover, summary
from components.pretraining.views import (
    BIAS_PAIRS,
    bias_markdown,
    fill_markdown,
    fill_table,
    note_markdown,
    nsp_markdown,
    reads_markdown,
    recipe_table,
    word_choices,
)
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider, model_slider
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, csv_button, examples

TAB_ID = "pretraining"
MAX_GUESS = 100
TITLE = "tab_pretraining"

FILL_EXAMPLES = ["I drink my [MASK] with milk and sugar.", "The capital of France is [MASK].",
                 "The hummingbird drank from the flower.", "我[MASK][MASK]红色的花。", "中国的首都是[MASK][MASK]。",
                 "我喜欢吃苹果。"]
RECIPE_TEXT = "The hummingbird drank from the flower, and the sun rose over the hills."
NSP_EXAMPLES = [["The sun rose over the hills.", "The sky grew brighter."],
                ["I forgot my umbrella this morning.", "By noon I was soaking wet."],
                ["The sun rose over the hills.", "Fish swim in the river."],
                ["太阳升起。", "天空变亮。"], ["太阳升起。", "鱼儿在水中游。"], ["我忘了带伞。", "下午我全身都湿了。"]]
SHUFFLE = {"en": ["Fish swim in the river.", "The library closes at six.", "My cat sleeps all day.",
                  "The train was late again.", "Apples grow on trees.", "We played football after school."],
           "zh": ["鱼儿在水中游。", "图书馆六点关门。", "我的猫整天睡觉。", "火车又晚点了。", "苹果长在树上。",
                  "放学后我们踢足球。"]}


def shuffled_b(a: str, b: str) -> str:
    """A random sentence from the built-in set, in A's language, never the current B."""
    from components.core.analysis import is_chinese

    pool = [s for s in SHUFFLE["zh" if is_chinese(a or "") else "en"] if s != b]
    return random.choice(pool)


def _words(values) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in values or ())
    except (TypeError, ValueError):
        raise UserError("pre_word_unknown", number=str(values)[:20], n="?") from None


def endpoints(services: Services):
    @user_errors
    def refresh(text: str, model_name: str, lang: str = "en"):
        """The words to click and the line saying which model answers; quiet while the sentence is being typed."""
        try:
            choice = choose_model(services, model_name, "mlm", text)
            reader = choice.model or choice.asked
            choices = word_choices(words(analyze(reader, text, detail="tokens")))
            status = note_markdown(choice.note, lang) if choice.note else t(
                "pre_using", lang, model=escape(reader.name, markdown=True))
        except UserError as err:
            return gr.update(choices=[], value=[]), escape(err.render(lang))
        return gr.update(choices=choices, value=[]), status

    @user_errors
    def fill(text: str, masked_words: list[str], guess: str, guess_first: bool, top_k: float, layer: float,
             classroom: bool, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "mlm", text)
        if choice.model is None:
            masked = mask_input(choice.asked, text, _words(masked_words))
            note = note_markdown(choice.note, lang)
            return None, reads_markdown(masked.tokens(choice.asked), lang) + "\n\n" + note, None, fill_table(None, lang)
        model = choice.model
        if guess_first and not (guess or "").strip():
            masked = mask_input(model, text, _words(masked_words))
            return None, reads_markdown(masked.tokens(model), lang) + "\n\n" + t("pre_guess_needed", lang), None, \
                fill_table(None, lang)
        shown = clamp("layer", layer, (int(model.config.num_hidden_layers), int(model.config.num_attention_heads)),
                      model.name, default=int(model.config.num_hidden_layers))
        result = fill_mask(model, text, _words(masked_words), top_k=top_k, layer=shown.number, classroom=classroom)
        show_warnings([*result.warnings, *([shown.notice] if shown.notice else [])], lang)
        guesses = rank_guess(model, result, guess[:MAX_GUESS]) if (guess or "").strip() else []
        heads = int(model.config.num_attention_heads)
        return (fill_figure(result, lang, text), fill_markdown(result, model, guesses, choice.note, lang, text),
                attention_figure(result, lang, heads, text), fill_table(result, lang))

    @user_errors
    def bias(classroom: bool, model_name: str, lang: str = "en"):
        order = ("zh", "en") if lang == "zh" else ("en", "zh")
        for pair_lang in order:
            pair = BIAS_PAIRS[pair_lang]
            choice = choose_model(services, model_name, "mlm", *pair)
            if choice.model is None:
                continue
            if analyze(choice.model, pair[0], detail="tokens").unk_fraction < 0.5:
                results = [(s, fill_mask(choice.model, s, top_k=5, classroom=classroom)) for s in pair]
                return bias_markdown(results, lang)
        choice = choose_model(services, model_name, "mlm")
        return note_markdown(choice.note, lang) if choice.note else ""

    @user_errors
    def recipe(text: str, seed: float, classroom: bool, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "mlm", text)
        reader = choice.model or choice.asked
        drawn = draw(reader, text, seed)
        show_warnings([w for w in drawn.analysis.warnings() if w.key != "analysis_typed_special"], lang)
        rows = recover(choice.model, drawn, classroom) if choice.model is not None else None
        shown = drawn.input_tokens(reader)
        lines = [render(summary(drawn, rows), lang)]
        if choice.note:
            lines.append(note_markdown(choice.note, lang))
        return recipe_figure(drawn, shown, lang, text), "\n\n".join(lines), recipe_table(drawn, shown, rows, lang)

    @user_errors
    def nsp(a: str, b: str, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "nsp", a, b)
        if choice.model is None:
            if not (b or "").strip():
                raise UserError("pre_need_b")
            analysis = analyze(choice.asked, a, b, detail="tokens")
            p = None
        else:
            analysis, p = next_sentence(choice.model, a, b)
        show_warnings([w for w in analysis.warnings() if w.key != "analysis_typed_special"], lang)
        return nsp_input_figure(analysis, lang), nsp_markdown(p, choice.note, analysis.text, analysis.text_pair, lang)

    return refresh, fill, bias, recipe, nsp


def build(ctx: TabContext) -> TabHandle:
    i18n, services = ctx.i18n, ctx.services
    refresh, fill, bias, recipe, nsp = endpoints(services)
    gr.Markdown(i18n("pre_intro"))
    status = gr.Markdown(elem_id="pretraining-status")
    gr.Markdown(i18n("pre_fill_title"))
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(label=i18n("pre_text"), value=FILL_EXAMPLES[0], lines=2, max_length=MAX_CHARS,
                              elem_id="pretraining-text")
            masked = gr.CheckboxGroup(label=i18n("pre_words"), choices=[], elem_id="pretraining-words")
            with gr.Row():
                guess_first = gr.Checkbox(label=i18n("pre_guess_first"), value=True, elem_id="pretraining-guess-first")
                classroom = gr.Checkbox(label=i18n("pre_filter"), value=True, elem_id="pretraining-filter")
            guess = gr.Textbox(label=i18n("pre_guess"), max_length=MAX_GUESS, elem_id="pretraining-guess")
            with gr.Row():
                top_k = Slider(1, MAX_TOP_K, value=5, step=1, label=i18n("pre_top_k"))
                layer = model_slider("layer", 12, ctx.services.config.default_model, label=i18n("pre_layer"),
                                    info=i18n("num_rule_short"), elem_id="pretraining-layer")
            reveal = gr.Button(i18n("pre_reveal"), variant="primary", elem_id="pretraining-reveal")
            examples(ctx.readable([[e] for e in FILL_EXAMPLES]), [text], i18n)
        with gr.Column(scale=2):
            note = gr.Markdown(elem_id="pretraining-note")
    fill_plot = gr.Plot(label=i18n("pre_fill_plot"), elem_id="pretraining-fill-plot")
    attention_plot = gr.Plot(label=i18n("pre_attention_plot"), elem_id="pretraining-attention-plot")
    table = gr.Dataframe(label=i18n("pre_table"), interactive=False, elem_id="pretraining-table")
    csv_button(i18n, table, "bertlens-fill-mask")
    gr.Markdown(i18n("pre_bias_title"))
    gr.Markdown(i18n("pre_bias_note"))
    bias_button = gr.Button(i18n("pre_bias_run"), size="sm", elem_id="pretraining-bias")
    bias_out = gr.Markdown(elem_id="pretraining-bias-out")

    gr.Markdown(i18n("pre_recipe_title"))
    gr.Markdown(i18n("pre_recipe_intro"))
    with gr.Row():
        recipe_text = gr.Textbox(label=i18n("pre_recipe_text"), value=RECIPE_TEXT, lines=2, max_length=MAX_CHARS,
                                 scale=3, elem_id="pretraining-recipe-text")
        seed = gr.Number(value=0, minimum=0, maximum=MAX_SEED, precision=0, label=i18n("pre_seed"), scale=1,
                         elem_id="pretraining-seed")
    with gr.Row():
        apply = gr.Button(i18n("pre_recipe_run"), variant="primary", elem_id="pretraining-recipe-run")
        reroll = gr.Button(i18n("pre_reroll"), elem_id="pretraining-reroll")
    recipe_note = gr.Markdown(elem_id="pretraining-recipe-note")
    recipe_plot = gr.Plot(label=i18n("pre_recipe_plot"), elem_id="pretraining-recipe-plot")
    recipe_frame = gr.Dataframe(label=i18n("pre_recipe_table"), interactive=False, elem_id="pretraining-recipe-table")
    csv_button(i18n, recipe_frame, "bertlens-recipe")

    gr.Markdown(i18n("pre_nsp_title"))
    gr.Markdown(i18n("pre_nsp_intro"))
    with gr.Row():
        a = gr.Textbox(label=i18n("pre_a"), value=NSP_EXAMPLES[0][0], lines=2, max_length=MAX_CHARS,
                       elem_id="pretraining-a")
        b = gr.Textbox(label=i18n("pre_b"), value=NSP_EXAMPLES[0][1], lines=2, max_length=MAX_CHARS,
                       elem_id="pretraining-b")
    with gr.Row():
        shuffle = gr.Button(i18n("pre_shuffle"), elem_id="pretraining-shuffle")
        ask = gr.Button(i18n("pre_nsp_run"), variant="primary", elem_id="pretraining-nsp-run")
    nsp_note = gr.Markdown(elem_id="pretraining-nsp-note")
    nsp_plot = gr.Plot(label=i18n("pre_nsp_plot"), elem_id="pretraining-nsp-plot")
    examples(ctx.readable(NSP_EXAMPLES), [a, b], i18n, headers=PAIR_HEADERS)

    ctx.light(functools.partial(gr.on, None), refresh, [text, ctx.model, ctx.lang], [masked, status],
                    api_name=False, show_progress="hidden", trigger_mode="always_last")
    fill_inputs = [text, masked, guess, guess_first, top_k, layer, classroom, ctx.model, ctx.lang]
    fill_outputs = [fill_plot, note, attention_plot, table]
    ctx.light(reveal.click, fill, fill_inputs, fill_outputs, api_name="fill_mask")
    ctx.light(guess.submit, fill, fill_inputs, fill_outputs, api_name=False)
    ctx.light(bias_button.click, bias, [classroom, ctx.model, ctx.lang], bias_out, api_name=False)
    recipe_inputs, recipe_outputs = [recipe_text, seed, classroom, ctx.model, ctx.lang], [recipe_plot, recipe_note,
                                                                                          recipe_frame]
    ctx.light(apply.click, recipe, recipe_inputs, recipe_outputs, api_name="masking_recipe")
    rolled = reroll.click(lambda s: (int(s or 0) + 1) % (MAX_SEED + 1), seed, seed, api_name=False)
    ctx.light(rolled.then, recipe, recipe_inputs, recipe_outputs, api_name=False)
    nsp_inputs, nsp_outputs = [a, b, ctx.model, ctx.lang], [nsp_plot, nsp_note]
    ctx.light(ask.click, nsp, nsp_inputs, nsp_outputs, api_name="next_sentence")
    shuffled = shuffle.click(shuffled_b, [a, b], b, api_name=False)
    ctx.light(shuffled.then, nsp, nsp_inputs, nsp_outputs, api_name=False)
    return TabHandle(fields={"text": text, "k": top_k, "layer": layer, "a": a, "b": b},
                     run=(fill, fill_inputs, fill_outputs))
