"""The Tokens tab: WordPiece pieces, ids, [CLS]/[SEP], segments, positions and embeddings."""

from __future__ import annotations

import html

import gradio as gr
import plotly.graph_objects as go

from components.core.figures import embedding_norms_figure
from components.core.services import Services
from components.tokens.compute import TABLE_HEADERS, TokenTable, token_table
from components.ui.errors import show_warnings, user_errors
from components.ui.i18n import examples
from components.ui.widgets import sentence_pair

STRINGS = {
    "en": {
        "tokens_run": "Show tokens",
        "tokens_table": "What BERT receives, one row per token",
        "tokens_plot": "Size of each embedding (L2 norm) per token",
        "tokens_intro": "BERT never sees words: it sees WordPiece **tokens** (`##` marks a piece that "
                        "continues a word), framed by **[CLS]** and **[SEP]**. Each token's input vector "
                        "is LayerNorm(token embedding + segment embedding + position embedding).",
    },
    "zh": {
        "tokens_run": "显示词元",
        "tokens_table": "BERT 接收到的输入，每行一个词元",
        "tokens_plot": "每个词元各嵌入向量的大小（L2 范数）",
        "tokens_intro": "BERT 看到的不是词，而是 WordPiece **词元**（`##` 表示接在前一个词元后的片段），"
                        "前后加上 **[CLS]** 和 **[SEP]**。"
                        "每个词元的输入向量 = LayerNorm(词元嵌入 + 片段嵌入 + 位置嵌入)。",
    },
}

EXAMPLES = [
    ["The bank raised interest rates.", ""],
    ["Unbelievably, the hummingbird outflew the helicopter.", ""],
    ["Where is the library?", "It is next to the river bank."],
    ["我喜欢吃苹果。", ""],
]


def summary_markdown(table: TokenTable) -> str:
    """A one-line view of the sequence plus the embedding check, with user text escaped."""
    pieces = " ".join(f"`{html.escape(r.token).replace('`', 'ˋ')}`" for r in table.rows)
    check = ("✅ LayerNorm(token + segment + position) equals the model's embedding output "
             f"(max difference {table.max_abs_diff:.1e})." if table.matches_model else
             f"⚠️ The rebuilt input differs from the model's embedding output by {table.max_abs_diff:.3g}.")
    return f"**{len(table.rows)} tokens:** {pieces}\n\n{check}"


def tokens_endpoint(services: Services):
    @user_errors
    def tokens(text: str, text_pair: str, model_name: str) -> tuple[dict, str, go.Figure]:
        model = services.model(model_name)
        analysis = services.analysis(model_name, text, text_pair or None)
        table = token_table(model, analysis)
        show_warnings(table.warnings)
        frame = {"headers": TABLE_HEADERS, "data": table.as_lists()}
        return frame, summary_markdown(table), embedding_norms_figure(table)

    return tokens


def build_tokens_tab(services: Services, i18n: gr.I18n, model_box: gr.Dropdown) -> None:
    gr.Markdown(i18n("tokens_intro"))
    text, pair = sentence_pair(i18n, EXAMPLES[0][0])
    run = gr.Button(i18n("tokens_run"), variant="primary")
    summary = gr.Markdown()
    frame = gr.Dataframe(headers=TABLE_HEADERS, label=i18n("tokens_table"), wrap=True, interactive=False,
                         elem_id="tokens-table")
    plot = gr.Plot(label=i18n("tokens_plot"), elem_id="tokens-plot")
    examples(EXAMPLES, [text, pair], i18n)
    fn = tokens_endpoint(services)
    run.click(fn, [text, pair, model_box], [frame, summary, plot], api_name="tokens")
    text.submit(fn, [text, pair, model_box], [frame, summary, plot], api_name=False)
