"""Every text of the Tokens lesson, in English and 简体中文."""

from components.core.messages import register

register({
    "tab_tokens": ("Tokens", "词元"),
    "tok_intro": (
        "BERT never sees words: it sees **tokens** from its vocabulary (WordPiece marks a piece that continues a "
        "word with `##`), framed by **[CLS]** and **[SEP]**. Each token's input vector is "
        "LayerNorm(token embedding + segment embedding + position embedding).",
        "BERT 看到的不是词，而是词表中的**词元**（WordPiece 用 `##` 表示接在前一个词元后的片段），"
        "前后加上 **[CLS]** 和 **[SEP]**。每个词元的输入向量 = LayerNorm(词元嵌入 + 片段嵌入 + 位置嵌入)。"),
    "tok_run": ("Show tokens", "显示词元"),
    "tok_table": ("What BERT receives, one row per token", "BERT 接收到的输入，每行一个词元"),
    "tok_plot": ("Size of each embedding (L2 norm) per token", "每个词元各嵌入向量的大小（L2 范数）"),
    "tok_col_index": ("#", "序号"),
    "tok_col_token": ("token", "词元"),
    "tok_col_id": ("id", "编号"),
    "tok_col_kind": ("kind", "类型"),
    "tok_col_segment": ("segment", "片段"),
    "tok_col_position": ("position", "位置"),
    "tok_col_chars": ("characters", "字符范围"),
    "tok_col_word": ("word", "所属词"),
    "tok_col_token_norm": ("|token emb|", "|词元嵌入|"),
    "tok_col_segment_norm": ("|segment emb|", "|片段嵌入|"),
    "tok_col_position_norm": ("|position emb|", "|位置嵌入|"),
    "tok_col_input_norm": ("|LayerNorm(sum)|", "|LayerNorm(和)|"),
    "tok_kind_special": ("special", "特殊"),
    "tok_kind_continuation": ("continues a word", "词的后续片段"),
    "tok_kind_unknown": ("unknown", "未知"),
    "tok_kind_word": ("word start", "词的开头"),
    "tok_summary": ("**{n} tokens:** {pieces}", "**{n} 个词元：** {pieces}"),
    "tok_check_ok": (
        "✓ LayerNorm({parts}) equals the model's embedding output (max difference {diff:.1e}).",
        "✓ LayerNorm({parts}) 与模型的嵌入层输出一致（最大差异 {diff:.1e}）。"),
    "tok_check_bad": (
        "✗ The rebuilt input differs from the model's embedding output by {diff:.3g}.",
        "✗ 重建的输入与模型的嵌入层输出相差 {diff:.3g}。"),
    "tok_part_token": ("token", "词元"),
    "tok_part_segment": ("segment", "片段"),
    "tok_part_position": ("position", "位置"),
    "tok_no_segments": (
        "{model} has no segment embeddings: sentences A and B differ only by the separator between them.",
        "{model} 没有片段嵌入：句子 A 和 B 之间只靠分隔符区分。"),
    "tok_fig_title": ("Input embeddings per token (L2 norm)", "每个词元的输入嵌入（L2 范数）"),
    "tok_fig_token": ("token embedding", "词元嵌入"),
    "tok_fig_segment": ("segment embedding", "片段嵌入"),
    "tok_fig_position": ("position embedding", "位置嵌入"),
    "tok_fig_input": ("LayerNorm(sum) = encoder input", "LayerNorm(和) = 编码器输入"),
    "tok_fig_yaxis": ("L2 norm", "L2 范数"),
})
