"""The Tokens tab: pieces, ids, [CLS]/[SEP], segments, positions and the embeddings BERT starts from."""

from __future__ import annotations

import gradio as gr

from components.core.analysis import analyze
from components.core.messages import t
from components.core.services import Services
from components.core.text import escape
from components.tokens.compute import COLUMNS, TokenTable, token_table
from components.tokens.figures import embedding_norms_figure
from components.ui.errors import show_warnings, user_errors
from components.ui.widgets import PAIR_HEADERS, TabContext, TabHandle, csv_button, examples, sentence_pair

TAB_ID = "tokens"
TITLE = "tab_tokens"

COLUMN_KEYS = {
    "index": "tok_col_index", "token": "tok_col_token", "id": "tok_col_id", "kind": "tok_col_kind",
    "segment": "tok_col_segment", "position": "tok_col_position", "chars": "tok_col_chars", "word": "tok_col_word",
    "token_norm": "tok_col_token_norm", "segment_norm": "tok_col_segment_norm",
    "position_norm": "tok_col_position_norm", "input_norm": "tok_col_input_norm",
}
KIND_KEYS = {
    "special": "tok_kind_special", "continuation": "tok_kind_continuation", "unknown": "tok_kind_unknown",
    "word": "tok_kind_word",
}
PART_KEYS = {"token": "tok_part_token", "segment": "tok_part_segment", "position": "tok_part_position"}

EXAMPLES = [
    ["The bank raised interest rates.", ""],
    ["Unbelievably, the hummingbird outflew the helicopter.", ""],
    ["Where is the library?", "It is next to the river bank."],
    ["我喜欢吃苹果。", ""],
    ["苹果和华为哪个牌子好？", "我觉得都不错。"],
]


def summary_markdown(table: TokenTable, lang: str) -> str:
    """A one-line view of the sequence plus the embedding check; user text escaped for Markdown."""
    pieces = " · ".join(escape(r.token, markdown=True) for r in table.rows)
    summary = t("tok_summary", lang, n=len(table.rows), pieces=pieces)
    parts = " + ".join(t(PART_KEYS[p], lang) for p in table.parts)
    check = (t("tok_check_ok", lang, parts=parts, diff=table.max_abs_diff) if table.matches_model
             else t("tok_check_bad", lang, diff=table.max_abs_diff))
    return f"{summary}\n\n{check}"


def tokens_endpoint(services: Services):
    @user_errors
    def tokens(text: str, text_pair: str, model_name: str, lang: str = "en") -> tuple[dict, str, object]:
        model = services.model(model_name)
        analysis = analyze(model, text, text_pair or None)
        table = token_table(model, analysis)
        show_warnings(table.warnings, lang)
        frame = {"headers": [t(COLUMN_KEYS[c], lang) for c in COLUMNS],
                 "data": [row.as_list(t(KIND_KEYS[row.kind], lang)) for row in table.rows]}
        return frame, summary_markdown(table, lang), embedding_norms_figure(table, lang, analysis.text)

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
