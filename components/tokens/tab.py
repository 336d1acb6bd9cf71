"""The Tokens tab: pieces, ids, [CLS]/[SEP], segments, positions and the embeddings BERT starts from.

Design decision: compute (``compute.token_table``) -> view (``view.token_outputs``) -> this module, wiring only;
the model and its analysis come from ``Services``.
"""

from __future__ import annotations

import gradio as gr

from components.core.services import Services
from components.tokens.compute import token_table
from components.tokens.view import token_outputs
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, csv_button, examples, sentence_pair

TAB_ID = "tokens"
TITLE = "tab_tokens"

EXAMPLES = [
    ["The bank raised interest rates.", ""],
    ["Unbelievably, the hummingbird outflew the helicopter.", ""],
    ["Where is the library?", "It is next to the river bank."],
    ["我喜欢吃苹果。", ""],
    ["苹果和华为哪个牌子好？", "我觉得都不错。"],
]


def tokens_endpoint(services: Services):
    @user_errors
    def tokens(text: str, text_pair: str, model_name: str, lang: str = "en") -> tuple[dict, str, object]:
        analysis = services.analysis(model_name, text, text_pair or None)
        table = token_table(services.model(model_name), analysis)
        show_warnings(table.warnings, lang)
        return token_outputs(table, lang, analysis.text)

    return tokens


def build(ctx: TabContext) -> TabHandle:
    i18n = ctx.i18n
    gr.Markdown(i18n("tok_intro"))
    text, pair = sentence_pair(i18n, EXAMPLES[0][0], "tokens")
    run = gr.Button(i18n("tok_run"), variant="primary")
    summary = gr.Markdown()
    frame = gr.Dataframe(label=i18n("tok_table"), wrap=True, interactive=False, elem_id="tokens-table")
    csv_button(i18n, frame, "bertlens-tokens")
    plot = gr.Plot(label=i18n("tok_plot"), elem_id="tokens-plot")
    examples(ctx.readable(EXAMPLES), [text, pair], i18n, headers=PAIR_HEADERS)
    fn = tokens_endpoint(ctx.services)
    inputs, outputs = [text, pair, ctx.model, ctx.lang], [frame, summary, plot]
    ctx.light(run.click, fn, inputs, outputs, api_name="tokens")
    ctx.light(text.submit, fn, inputs, outputs, api_name=False)
    return TabHandle(fields={"text": text, "pair": pair}, run=(fn, inputs, outputs))
