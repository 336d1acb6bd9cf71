"""Every text of the Head roles lesson, in English and 简体中文."""

from components.core.messages import register

register({
    "tab_heads": ("Head roles", "注意力头的分工"),
    "heads_intro": (
        "One sentence's heatmap cannot tell whether a pattern is a **habit of the head** or an accident of the "
        "sentence. Here every head is measured over a whole corpus: for every token, how much of its attention goes "
        "to [CLS], to [SEP], to punctuation, to itself, to the previous and to the next token, and how spread it is "
        "(entropy in nats). Each sentence is read alone as [CLS] sentence [SEP]; the shares are averaged over every "
        "token of every sentence.",
        "单个句子的热力图无法说明一种模式是**注意力头的习惯**，还是这个句子的偶然。这里在整个语料上测量每个注意力头："
        "每个词元的注意力有多少给了 [CLS]、[SEP]、标点、它自己、前一个词元和后一个词元，以及注意力有多分散"
        "（熵，单位为奈特）。每个句子单独读入，形式为 [CLS] 句子 [SEP]；各比例对所有句子的所有词元取平均。"),
    "heads_source": ("Fill the box with a built-in corpus (written for BERT Lens)",
                     "用内置语料填入下面的框（为 BERT 透镜编写）"),
    "heads_fill_en": ("English, 208 sentences", "英文，208 句"),
    "heads_fill_zh": ("Chinese, 210 sentences (for a Chinese model)", "中文，210 句（用于中文模型）"),
    "heads_own": ("The corpus, one sentence a line: edit it or paste the class's own (at most 1,000 lines; "
                  "longer lines are cut where the model stops reading)",
                  "语料，每行一句：可以修改，也可以粘贴全班自己的句子"
                  "（最多 1000 行；过长的行会在模型读取的长度处截断）"),
    "heads_run": ("Measure the heads", "测量注意力头"),
    "heads_grid_label": ("Role of every head", "每个注意力头的分工"),
    "heads_layers_label": ("Where each layer's attention goes", "每一层的注意力流向"),
    "heads_table_label": ("Each head on the sentence where its role is strongest",
                          "每个注意力头在其分工最明显的句子上"),
    "heads_progress": ("Reading the corpus", "正在读取语料"),
    "heads_empty": ("The corpus is empty. Paste at least one sentence, one a line, or choose the built-in corpus.",
                    "语料是空的。请至少粘贴一个句子（每行一句），或选择内置语料。"),
    "heads_too_many": ("The corpus has {n} lines; at most {cap} are measured at once. Remove some lines.",
                       "语料有 {n} 行；一次最多测量 {cap} 行。请删去一些行。"),
    "heads_no_attentions": (
        "Model '{model}' returns no attention weights, so its heads cannot be measured. Choose a BERT model "
        "from the menu.",
        "模型“{model}”不返回注意力权重，因此无法测量它的注意力头。请从菜单中选择一个 BERT 模型。"),
    "heads_truncated": (
        "{n} sentence(s) are longer than the model reads ({limit} tokens) and were cut at that length: line(s) "
        "{lines}.",
        "有 {n} 个句子超过模型能读取的长度（{limit} 个词元），已在该长度处截断：第 {lines} 行。"),
    "heads_summary": (
        "**{model}**, {sentences} sentences, {tokens} tokens ({source}). Rule: a head's role is its largest share "
        "when that share is above {threshold}; otherwise the head is **broad**. Layers and heads are numbered from 1.",
        "**{model}**，{sentences} 个句子，{tokens} 个词元（{source}）。规则：一个注意力头的分工是它最大的那个比例，"
        "前提是该比例大于 {threshold}；否则这个头记为**分散**。层和注意力头都从 1 开始编号。"),
    "heads_source_cached": ("from the cache", "来自缓存"),
    "heads_source_measured": ("measured now", "刚刚测量"),
    "heads_counts": ("Roles: {counts}.", "分工：{counts}。"),
    "heads_ours_only": (
        "These numbers are measured on our corpus with this model; no published figures are shown for it.",
        "这些数字是用这个模型在我们的语料上测得的；这个模型没有可对照的已发表结果。"),
    "heads_paper": (
        "**Beside ours: Clark et al. (2019), *{title}*** "
        "(BlackboxNLP; BERT-base over 1,000 Wikipedia segments). The paper reports: over half of the attention in "
        "layers 6–10 goes to [SEP]; early heads attend to [CLS]; deep heads to periods and commas; a few heads "
        "put more than half of their attention on the previous token (in layers 2, 4, 7, 8) or on the next token "
        "(in layers 1, 2, 2, 3, 6).",
        "**对照：Clark 等（2019），《{title}》**"
        "（BlackboxNLP；BERT-base，1000 段维基百科文本）。论文报告：第 6–10 层一半以上的注意力给了 [SEP]；"
        "浅层的注意力头关注 [CLS]；深层的头关注句号和逗号；少数头把一半以上的注意力放在前一个词元上"
        "（第 2、4、7、8 层）或后一个词元上（第 1、2、2、3、6 层）。"),
    "heads_compare_header": ("| | Clark et al. (2019) | ours |\n|---|---|---|",
                             "| | Clark 等（2019） | 我们 |\n|---|---|---|"),
    "heads_compare_sep": ("layers with over half to [SEP]", "一半以上给 [SEP] 的层"),
    "heads_compare_prev": ("layers of previous-token heads", "前一词元头所在的层"),
    "heads_compare_next": ("layers of next-token heads", "后一词元头所在的层"),
    "heads_none": ("none", "无"),
    "heads_role_cls": ("[CLS]", "[CLS]"),
    "heads_role_sep": ("[SEP]", "[SEP]"),
    "heads_role_punct": ("punctuation", "标点"),
    "heads_role_self": ("itself", "自身"),
    "heads_role_prev": ("previous token", "前一个词元"),
    "heads_role_next": ("next token", "后一个词元"),
    "heads_role_broad": ("broad", "分散"),
    "heads_stat_entropy": ("entropy (nats)", "熵（奈特）"),
    "heads_axis_layer": ("layer", "层"),
    "heads_axis_head": ("head", "注意力头"),
    "heads_axis_share": ("mean share of attention", "平均注意力比例"),
    "heads_grid_title": ("{model}: each head's dominant role (share > {threshold}, else broad)",
                         "{model}：每个注意力头的主要分工（比例 > {threshold}，否则为分散）"),
    "heads_layers_title": ("{model}: attention to [CLS], [SEP] and punctuation by layer (mean over heads)",
                           "{model}：各层给 [CLS]、[SEP] 和标点的注意力（各头平均）"),
    "heads_hover": ("layer {layer}, head {head}: {role}", "第 {layer} 层，第 {head} 个头：{role}"),
    "heads_paper_band": ("Clark et al. 2019: over half to [SEP] (BERT-base)",
                         "Clark 等 2019：一半以上给 [SEP]（BERT-base）"),
    "heads_col_layer": ("layer", "层"),
    "heads_col_head": ("head", "头"),
    "heads_col_role": ("role", "分工"),
    "heads_col_share": ("share", "比例"),
    "heads_col_sentence": ("strongest sentence (opens the Attention tab)", "分工最明显的句子（打开注意力标签页）"),
    "heads_table_more": ("…and {n} broad heads more (not listed).", "……另有 {n} 个分散的头（未列出）。"),
})
