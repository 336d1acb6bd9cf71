"""Every text of the Polysemy lesson, in English and 简体中文 (keys prefixed ``poly_``)."""

from components.core.messages import register

register({
    "tab_polysemy": ("Polysemy", "多义词"),
    # --- the tab's static labels ------------------------------------------------------------------
    "poly_intro": (
        "A static embedding (GloVe, or BERT's own input table) gives a word **one** vector whatever the sentence. "
        "BERT gives **each occurrence its own** vector: watch the senses drift apart as the layers go up.",
        "静态词向量（GloVe，或 BERT 自己的输入嵌入表）无论句子如何，一个词只有**一个**向量。"
        "BERT 则给**每一次出现**一个自己的向量：看看不同词义如何随着层数升高而分开。"),
    "poly_set": ("Built-in set", "内置句子集"),
    "poly_sentences": ("Sentences, one per line: sense | sentence (optionally | start:end)",
                       "句子，每行一句：词义 | 句子（可加 | 起:止）"),
    "poly_target": ("Target word (its first occurrence in each sentence)", "目标词（取每句中的第一次出现）"),
    "poly_span": ("Span start:end (optional, for lines without their own)",
                  "字符范围 起:止（可选，用于没有自带范围的行）"),
    "poly_encoder": ("Encoder", "编码器"),
    "poly_encoder_base": ("base model (chosen above)", "基础模型（上方所选）"),
    "poly_encoder_tuned": ("fine-tuned classifier's encoder", "微调后分类器的编码器"),
    "poly_layer": ("Layer shown (0 = embedding output)", "显示的层（0 = 嵌入层输出）"),
    "poly_run": ("Compare the spaces", "比较两个空间"),
    "poly_static": ("Static space", "静态空间"),
    "poly_contextual": ("Contextual space", "上下文空间"),
    "poly_matrix": ("Cosine similarity matrix", "余弦相似度矩阵"),
    "poly_curve": ("Sense separation per layer", "各层的词义分离程度"),
    "poly_export": ("Export: vectors and map coordinates", "导出：向量和地图坐标"),
    "poly_export_info": (
        "The .npy file holds the target's vector in every sentence at every layer, shape (sentences, layers + 1, "
        "hidden size), rows in the order of the lines. The table holds the 2-D coordinates of the layer shown.",
        ".npy 文件保存目标词在每个句子、每一层的向量，形状为（句子数, 层数 + 1, 隐藏维度），行的顺序与输入行一致。"
        "表格是当前所示层的二维坐标。"),
    "poly_coords": ("2-D coordinates of the contextual map", "上下文地图的二维坐标"),
    "poly_download_npy": ("Download vectors (.npy)", "下载向量（.npy）"),
    # built-in sets, by file name in assets/polysemy
    "poly_set_bank": ("bank (finance / river)", "bank（金融 / 河岸）"),
    "poly_set_interest": ("interest (money / curiosity)", "interest（利息 / 兴趣）"),
    "poly_set_light": ("light (illumination / not heavy)", "light（光亮 / 轻）"),
    "poly_set_match": ("match (game / fire stick)", "match（比赛 / 火柴）"),
    "poly_set_plant": ("plant (living thing / factory)", "plant（植物 / 工厂）"),
    "poly_set_present": ("present (gift / now)", "present（礼物 / 现在）"),
    "poly_set_rock": ("rock (stone / music)", "rock（岩石 / 摇滚乐）"),
    "poly_set_spring": ("spring (season / water source)", "spring（春天 / 泉水）"),
    "poly_set_pingguo": ("苹果 (fruit / company)", "苹果（水果 / 公司）"),
    "poly_set_hang_xing": ("行 (háng / xíng)", "行（háng / xíng）"),
    # --- coordinates table --------------------------------------------------------------------------
    "poly_col_index": ("#", "序号"),
    "poly_col_sense": ("sense", "词义"),
    "poly_col_kind": ("kind", "类型"),
    "poly_col_text": ("sentence or word", "句子或词"),
    "poly_col_layer": ("layer", "层"),
    "poly_col_x": ("x", "x"),
    "poly_col_y": ("y", "y"),
    "poly_kind_occurrence": ("occurrence", "出现"),
    "poly_kind_anchor": ("anchor word", "锚点词"),
    # --- input errors ---------------------------------------------------------------------------------
    "poly_where_span": ("span", "字符范围"),
    "poly_where_span_line": ("span on line {line}", "第 {line} 行的字符范围"),
    "poly_what_sentence": ("sentence on line {line}", "第 {line} 行的句子"),
    "poly_span_format": ("The {where} '{raw}' should be start:end in characters, e.g. 4:8.",
                         "{where}“{raw}”应写成 起:止（按字符计），例如 4:8。"),
    "poly_span_order": ("The {where} '{raw}' is empty or negative: start must be smaller than end.",
                        "{where}“{raw}”为空或为负：起点必须小于终点。"),
    "poly_too_long": ("The sentences have {n:,} characters; paste at most {limit:,} (up to {most} sentences).",
                      "这些句子共有 {n:,} 个字符；最多粘贴 {limit:,} 个字符（最多 {most} 个句子）。"),
    "poly_too_many": (
        "Line {line}: give at most {most} sentences (BERT reads each one separately, so more would keep the whole "
        "class waiting).",
        "第 {line} 行：最多给 {most} 个句子（BERT 要逐句阅读，句子再多全班都要等）。"),
    "poly_line_format": ("Line {line} should read 'sense | sentence' (optionally '| start:end'): {raw}",
                         "第 {line} 行应写成“词义 | 句子”（可加“| 起:止”）：{raw}"),
    "poly_two_sentences": ("Give at least two sentences, one per line, as 'sense | sentence'.",
                           "请至少给出两个句子，每行一句，格式为“词义 | 句子”。"),
    "poly_two_senses": ("Label at least two senses to measure how far apart they are.",
                        "请至少标注两种词义，才能衡量它们相距多远。"),
    "poly_line_error": ("Line {line}: {error}", "第 {line} 行：{error}"),
    "poly_target_empty": ("Type the target word (e.g. bank, 苹果).", "请输入目标词（例如 bank、苹果）。"),
    "poly_target_long": (
        "The target has {n:,} characters: type one word or a short phrase (at most {limit} characters).",
        "目标词有 {n:,} 个字符：请输入一个词或一个短语（最多 {limit} 个字符）。"),
    "poly_not_in_sentence": ("'{target}' is not in the sentence '{sentence}'.", "“{target}”不在句子“{sentence}”中。"),
    "poly_tuned_unavailable": ("The fine-tuned classifier is not available ({why}); showing the base model.",
                               "微调后的分类器不可用（{why}）；改为显示基础模型。"),
    # --- static vectors -------------------------------------------------------------------------------
    "poly_static_glove_full": ("GloVe 6B 100d (400,000 words)", "GloVe 6B 100d（40 万词）"),
    "poly_static_glove_shared": ("GloVe 6B 100d, truncated to its 2,604 most frequent words",
                                 "GloVe 6B 100d（截断版：只含最常用的 2,604 个词）"),
    "poly_static_file": ("static vectors from {file}", "来自 {file} 的静态词向量"),
    "poly_static_table": ("input-embedding table of {model} (static: one row per piece, no context)",
                          "{model} 的输入嵌入表（静态：每个词元一行，没有上下文）"),
    "poly_static_no_glove": ("{table}; GloVe is not on this machine: {why}", "{table}；这台电脑上没有 GloVe：{why}"),
    "poly_glove_missing": (
        "No GloVe vectors on this machine. Run `python app.py prefetch glove` with internet access, or start the app "
        "with --glove FILE.",
        "这台电脑上没有 GloVe 词向量。请在能上网时运行 `python app.py prefetch glove`，或用 --glove FILE 启动应用。"),
    "poly_glove_no_such_file": ("--glove {path}: no such file.", "--glove {path}：没有这个文件。"),
    "poly_glove_download": (
        "Could not download GloVe from {url} ({first}) nor from the Hub ({hub}: {second}). Use --glove FILE instead.",
        "无法从 {url} 下载 GloVe（{first}），也无法从 Hub 下载（{hub}：{second}）。请改用 --glove FILE。"),
    "poly_vec_no_file": ("No vector file at {path}. Give a GloVe/word2vec file or run `python app.py prefetch`.",
                         "{path} 处没有词向量文件。请提供 GloVe/word2vec 文件，或运行 `python app.py prefetch`。"),
    "poly_vec_unreadable": (
        "{file} cannot be read as {kind} ({error}). Give an uncorrupted vector file.",
        "{file} 无法按 {kind} 读取（{error}）。请提供未损坏的词向量文件。"),
    "poly_vec_kind_text": ("GloVe/word2vec text", "GloVe/word2vec 文本格式"),
    "poly_vec_kind_binary": ("word2vec binary", "word2vec 二进制格式"),
    "poly_vec_empty": ("{file} holds no vectors.", "{file} 中没有词向量。"),
    "poly_vec_zip_no_txt": ("{file} holds no .txt vector file.", "{file} 中没有 .txt 词向量文件。"),
    "poly_vec_bad_row": ("{file} line {line}: expected 'word v1 v2 ...', got {raw}.",
                         "{file} 第 {line} 行：应为“词 v1 v2 ...”，实际是 {raw}。"),
    "poly_vec_ragged": ("{file} line {line}: {n} values where earlier lines have {dim}.",
                        "{file} 第 {line} 行：有 {n} 个数值，而前面的行有 {dim} 个。"),
    "poly_vec_not_numbers": ("{file} line {line}: the vector for {word} has non-numbers.",
                             "{file} 第 {line} 行：{word} 的向量中有非数字。"),
    "poly_vec_not_finite": ("{file} line {line}: the vector for {word} has inf or NaN.",
                            "{file} 第 {line} 行：{word} 的向量中有 inf 或 NaN。"),
    "poly_vec_bin_header": (
        "{file} line 1: a word2vec binary file starts with 'N D' (two positive integers), not {raw}.",
        "{file} 第 1 行：word2vec 二进制文件应以“N D”（两个正整数）开头，而不是 {raw}。"),
    "poly_vec_bin_cut": ("{file} entry {entry}: the file ends inside a word or a vector.",
                         "{file} 第 {entry} 项：文件在一个词或向量中间结束了。"),
    # --- the note under the figures ---------------------------------------------------------------------
    "poly_note_occurrences": (
        "**{n} occurrences** of '{target}' → pieces {pieces}, mean-pooled into one vector; encoder: {encoder}.",
        "“{target}”共出现 **{n} 次** → 词元 {pieces}，取平均合并为一个向量；编码器：{encoder}。"),
    "poly_note_base": ("base model {model}", "基础模型 {model}"),
    "poly_note_tuned": ("the fine-tuned classifier's encoder ({model})", "微调后分类器的编码器（{model}）"),
    "poly_note_best": (
        "**Best layer: {layer}** — within-sense cosine {within:.3f} vs across {across:.3f} (gap {gap:+.3f}), "
        "1-NN sense accuracy {acc:.0%}.",
        "**最佳层：{layer}** — 同义余弦 {within:.3f}，异义余弦 {across:.3f}（差 {gap:+.3f}），"
        "最近邻词义准确率 {acc:.0%}。"),
    "poly_note_static": (
        "**Static baseline** — {label}: one vector for every sentence, so the gap is {gap:+.3f} and 1-NN accuracy "
        "{acc:.0%} (chance).",
        "**静态基线** — {label}：每个句子都是同一个向量，所以差为 {gap:+.3f}，最近邻准确率 {acc:.0%}（等于随机）。"),
    "poly_note_static_forms": (
        "**Static baseline** — {label}: one vector per written form ({forms}), whatever the sentence: gap "
        "{gap:+.3f}, 1-NN accuracy {acc:.0%}.",
        "**静态基线** — {label}：每种写法（{forms}）一个向量，与句子无关：差 {gap:+.3f}，最近邻准确率 {acc:.0%}。"),
    "poly_note_single": (
        "**No separation curve:** the sense '{sense}' has only one sentence, so nothing of its own sense can be "
        "compared with it. Give every sense at least two sentences.",
        "**无法画出分离曲线：**词义“{sense}”只有一个句子，没有同一词义的句子可以和它比较。请给每种词义至少两个句子。"),
    "poly_note_static_absent": ("'{target}' is not in {label}: there is no static point to show.",
                                "“{target}”不在 {label} 中：没有静态点可以显示。"),
    "poly_note_static_missing": ("Not in the static vocabulary ({label}): {words}.",
                                 "不在静态词表（{label}）中：{words}。"),
    "poly_note_unk": ("Only [UNK] for {model}, left out: {words}.", "对 {model} 来说只是 [UNK]，已略去：{words}。"),
    "poly_note_anchors": ("Anchor words are encoded alone (no sentence) in the contextual space.",
                          "在上下文空间中，锚点词是单独编码的（没有句子）。"),
    "poly_note_no_anchors": ("No anchor words: they come with the built-in set whose target matches.",
                             "没有锚点词：只有目标词与内置句子集相同时才会显示锚点词。"),
    # --- figures ------------------------------------------------------------------------------------------
    "poly_fig_static_title": ("Static space: one point for '{target}'", "静态空间：“{target}”只有一个点"),
    "poly_fig_static_title_forms": ("Static space: one point per written form of '{target}'",
                                    "静态空间：“{target}”的每种写法一个点"),
    "poly_fig_static_hover": ("{word}: the same vector in all {n} sentences",
                              "{word}：在全部 {n} 个句子中是同一个向量"),
    "poly_fig_static_absent": ("'{target}' is not in {label}", "“{target}”不在 {label} 中"),
    "poly_fig_context_title": ("Contextual space: '{target}' in each sentence",
                               "上下文空间：“{target}”在每个句子中的向量"),
    "poly_fig_context_sub": ("layer {layer} of {last} · {model}", "第 {layer} 层（共 {last} 层）· {model}"),
    "poly_fig_anchors": ("anchor words", "锚点词"),
    "poly_fig_anchor_hover": ("anchor word {word} ({sense})", "锚点词 {word}（{sense}）"),
    "poly_fig_axis": ("{method} {n}", "{method} 维度 {n}"),
    "poly_fig_coincide": (
        "Layer {layer}: the {n} occurrences are only {k} distinct vectors, so points that are the same vector are "
        "drawn on top of each other.",
        "第 {layer} 层：{n} 次出现只有 {k} 个不同的向量，相同的向量画在同一个位置上，彼此重叠。"),
    "poly_fig_coincide_all": ("Layer {layer}: all {n} occurrences are the same vector here: their points coincide.",
                              "第 {layer} 层：{n} 次出现在这里都是同一个向量：所有点重合在一起。"),
    "poly_fig_layer0_why": (
        "Layer 0 is the embedding output: no context has reached the target yet, so the same word at the same "
        "position is the same vector.",
        "第 0 层是嵌入层输出：上下文还没有影响到目标词，所以同一个词在同一个位置就是同一个向量。"),
    "poly_fig_linear": (
        "Only {k} distinct vectors: too few for UMAP, so this is a linear (PCA) map of exactly those points.",
        "只有 {k} 个不同的向量：UMAP 需要更多点，所以这里是这些点的线性（PCA）投影。"),
    "poly_fig_matrix_title": ("Cosine similarity between occurrences (layer {layer})",
                              "各次出现之间的余弦相似度（第 {layer} 层）"),
    "poly_fig_cosine": ("cosine", "余弦"),
    "poly_fig_cosine_hover": ("{a} ↔ {b}", "{a} ↔ {b}"),
    "poly_fig_curve_title": ("How far apart the senses are, layer by layer", "不同词义逐层分开的程度"),
    "poly_fig_gap": ("within − across cosine", "同义 − 异义余弦"),
    "poly_fig_knn": ("1-NN sense accuracy (leave-one-out)", "最近邻词义准确率（留一法）"),
    "poly_fig_static_gap": ("static baseline: within − across", "静态基线：同义 − 异义"),
    "poly_fig_static_knn": ("static baseline: 1-NN accuracy", "静态基线：最近邻准确率"),
    "poly_fig_best": ("best layer {layer}", "最佳层 {layer}"),
    "poly_fig_shown": ("shown {layer}", "当前 {layer}"),
    "poly_fig_layer_axis": ("layer (0 = embedding output)", "层（0 = 嵌入层输出）"),
    "poly_fig_knn_axis": ("1-NN accuracy", "最近邻准确率"),
})
