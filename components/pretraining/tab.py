"""The Pre-training tab: fill in the blank (guess first), BERT's masking recipe, next-sentence prediction.

Words are clicked in a ``gr.CheckboxGroup`` (keyboard- and screen-reader-friendly; checked =
hidden), refreshed on page load and whenever the sentence or the model changes, with the line
saying which model answers (or which models would, and how to get one).

Design decision: one small factory per endpoint, each taking ``Services``: the model is chosen
(``heads.choose_model``), the computation runs (``compute``, ``recipe``) and ``view`` turns its data
into the outputs, so this module is wiring only.
"""

from __future__ import annotations

import functools

import gradio as gr

from components.core.messages import UserError
from components.core.numbering import clamp
from components.core.services import Services
from components.core.text import MAX_CHARS
from components.pretraining.compute import (
    MAX_TOP_K,
    fill_mask,
    input_warnings,
    mask_input,
    next_sentence,
    nsp_input,
    rank_guess,
    reads_text,
    sentence_words,
    word_numbers,
)
from components.pretraining.examples import FILL_EXAMPLES, NSP_EXAMPLES, RECIPE_TEXT, bias_pairs, shuffled_b
from components.pretraining.heads import choose_model
from components.pretraining.recipe import MAX_SEED, draw, recover
from components.pretraining.view import (
    bias_markdown,
    error_markdown,
    fill_outputs,
    note_markdown,
    nsp_outputs,
    recipe_outputs,
    status_markdown,
    unanswered_outputs,
    word_choices,
)
from components.ui.errors import show_warnings, user_errors
from components.ui.sliders import Slider, model_slider
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, csv_button, examples

TAB_ID = "pretraining"
MAX_GUESS = 100
TITLE = "tab_pretraining"


def refresh_endpoint(services: Services):
    @user_errors
    def refresh(text: str, model_name: str, lang: str = "en"):
        """The words to click and the line saying which model answers; quiet while the sentence is being typed."""
        try:
            choice = choose_model(services, model_name, "mlm", text)
            choices = word_choices(sentence_words(choice.model or choice.asked, text))
            status = status_markdown(choice, lang)
        except UserError as err:
            return gr.update(choices=[], value=[]), error_markdown(err, lang)
        return gr.update(choices=choices, value=[]), status

    return refresh


def fill_endpoint(services: Services):
    @user_errors
    def fill(text: str, masked_words: list[str], guess: str, guess_first: bool, top_k: float, layer: float,
             classroom: bool, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "mlm", text)
        model = choice.model
        if model is None or (guess_first and not (guess or "").strip()):
            reader = model or choice.asked
            return unanswered_outputs(mask_input(reader, text, word_numbers(masked_words)).tokens(reader),
                                      choice.note if model is None else None, lang)
        shown = clamp("layer", layer, (int(model.config.num_hidden_layers), int(model.config.num_attention_heads)),
                      model.name, default=int(model.config.num_hidden_layers))
        result = fill_mask(model, text, word_numbers(masked_words), top_k=top_k, layer=shown.number,
                           classroom=classroom)
        show_warnings([*result.warnings, *([shown.notice] if shown.notice else [])], lang)
        guesses = rank_guess(model, result, guess[:MAX_GUESS]) if (guess or "").strip() else []
        return fill_outputs(result, model, guesses, choice.note, lang, text)

    return fill


def bias_endpoint(services: Services):
    @user_errors
    def bias(classroom: bool, model_name: str, lang: str = "en"):
        for pair in bias_pairs(lang):
            choice = choose_model(services, model_name, "mlm", *pair)
            if choice.model is not None and reads_text(choice.model, pair[0]):
                return bias_markdown([(s, fill_mask(choice.model, s, top_k=5, classroom=classroom)) for s in pair],
                                     lang)
        choice = choose_model(services, model_name, "mlm")
        return note_markdown(choice.note, lang) if choice.note else ""

    return bias


def recipe_endpoint(services: Services):
    @user_errors
    def recipe(text: str, seed: float, classroom: bool, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "mlm", text)
        reader = choice.model or choice.asked
        drawn = draw(reader, text, seed)
        show_warnings(input_warnings(drawn.analysis), lang)
        rows = recover(choice.model, drawn, classroom) if choice.model is not None else None
        return recipe_outputs(drawn, drawn.input_tokens(reader), rows, choice.note, lang, text)

    return recipe


def nsp_endpoint(services: Services):
    @user_errors
    def nsp(a: str, b: str, model_name: str, lang: str = "en"):
        choice = choose_model(services, model_name, "nsp", a, b)
        if choice.model is None:
            analysis, p = nsp_input(choice.asked, a, b), None
        else:
            analysis, p = next_sentence(choice.model, a, b)
        show_warnings(input_warnings(analysis), lang)
        return nsp_outputs(analysis, p, choice.note, lang)

    return nsp


def build(ctx: TabContext) -> TabHandle:
    i18n, services = ctx.i18n, ctx.services
    refresh, fill, bias = refresh_endpoint(services), fill_endpoint(services), bias_endpoint(services)
    recipe, nsp = recipe_endpoint(services), nsp_endpoint(services)
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
