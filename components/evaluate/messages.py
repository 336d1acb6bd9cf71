"""Every text of the per-label evaluation (keys ev_), in English and 简体中文."""

from components.core.messages import register

register({
    "ev_empty": ("The file is empty: give a table with a header row `text,labels` and one row per sentence.",
                 "文件是空的：请提供一个表格，首行为 `text,labels`，每行一个句子。"),
    "ev_too_large": ("The file has {size:,} bytes; at most {limit:,} can be read. Split it into smaller files.",
                     "文件有 {size:,} 字节，最多只能读取 {limit:,} 字节。请把它拆成几个小文件。"),
    "ev_not_utf8": ("The file is not UTF-8 text (byte {at:,}). Save it as 'CSV UTF-8' or UTF-8 text and upload it "
                    "again.", "文件不是 UTF-8 文本（第 {at:,} 字节）。请另存为“CSV UTF-8”或 UTF-8 文本后重新上传。"),
    "ev_not_table": ("The file is not a table ({why}). Give a CSV/TSV with a header row `text,labels`, or JSONL "
                     "lines like {example}.",
                     "文件不是表格（{why}）。请提供首行为 `text,labels` 的 CSV/TSV，或每行形如 {example} 的 JSONL。"),
    "ev_no_columns": ("The table needs a `text` column and a `labels` column; its columns are: {found}.",
                      "表格需要 `text` 列和 `labels` 列；它的列是：{found}。"),
    "ev_too_many_rows": ("The file has more than {limit:,} rows; evaluate at most {limit:,} at a time.",
                         "文件超过 {limit:,} 行；每次最多评估 {limit:,} 行。"),
    "ev_unknown_label": ("Line {line}: unknown label '{label}': the classifier does not know it. Closest: {closest}.",
                         "第 {line} 行：未知标签“{label}”，分类器不认识它。最接近的是：{closest}。"),
    "ev_unknown_label_none": ("(none close)", "（没有相近的）"),
    "ev_empty_text": ("Line {line}: the text is empty.", "第 {line} 行：文本是空的。"),
    "ev_no_rows": ("The file has a header but no rows to evaluate.", "文件只有表头，没有可评估的行。"),
})

register({
    "ev_panel": ("Evaluate a classifier, label by label", "逐个标签评估分类器"),
    "ev_intro": ("Score a classifier on many sentences at once: precision, recall and F1 of every emotion (click a "
                 "column to sort), which emotions it confuses, and the sentences it gets wrong. Bring your own data: "
                 "a CSV/TSV with the columns `text` and `labels` (names or ids joined by `,` `;` or `|`) or JSONL "
                 "lines with the fields `text` and `labels` (a list), at most 5,000 rows. The file is read once and "
                 "not kept.",
                 "一次在许多句子上给分类器打分：每种情绪的精确率、召回率和 F1（点击列名排序）、"
                 "它混淆了哪些情绪，以及它判错的句子。"
                 "也可以用你们自己的数据：含 `text` 和 `labels` 两列的 CSV/TSV（标签名或编号，用 `,` `;` 或 `|` "
                 "分隔），或每行含 `text` 和 `labels`（列表）字段的 JSONL，最多 5,000 行。文件只读取一次，"
                 "不会保存。"),
    "ev_which": ("Classifier", "分类器"),
    "ev_shipped": ("the shipped classifier", "自带的分类器"),
    "ev_mine": ("this browser's own (trained above)", "本浏览器自己的（上面训练的）"),
    "ev_source": ("Data", "数据"),
    "ev_source_test": ("GoEmotions test split (a seeded sample)", "GoEmotions 测试集（固定种子抽样）"),
    "ev_source_upload": ("my file", "我的文件"),
    "ev_file": ("Your file (.csv, .tsv, .jsonl)", "你的文件（.csv、.tsv、.jsonl）"),
    "ev_filter": ("Classroom filter: hide sentences with offensive words", "课堂过滤：隐藏含冒犯性词语的句子"),
    "ev_run": ("Evaluate", "评估"),
    "ev_label": ("Show the mistakes on this label", "显示这个标签上的错误"),
    "ev_table": ("Per label (click a column to sort)", "各标签（点击列名排序）"),
    "ev_col_label": ("label", "标签"),
    "ev_col_precision": ("precision", "精确率"),
    "ev_col_recall": ("recall", "召回率"),
    "ev_col_f1": ("F1", "F1"),
    "ev_col_support": ("support", "样本数"),
    "ev_col_threshold": ("threshold", "阈值"),
    "ev_summary": ("**{n:,} sentences** ({source}): macro-F1 **{macro:.3f}** (the mean of the {labels} labels' F1), "
                   "micro-F1 **{micro:.3f}** (every decision counted together).",
                   "**{n:,} 个句子**（{source}）：宏平均 F1 **{macro:.3f}**（{labels} 个标签 F1 的平均），"
                   "微平均 F1 **{micro:.3f}**（所有判断合在一起计算）。"),
    "ev_no_file": ("Upload a file first (or choose the GoEmotions test split).",
                   "请先上传文件（或选择 GoEmotions 测试集）。"),
    "ev_no_mine": ("This browser has no classifier of its own yet: train one above, or choose the shipped one.",
                   "本浏览器还没有自己的分类器：请先在上面训练一个，或选择自带的分类器。"),
    "ev_no_data": ("The GoEmotions test split is not on this server ({path}); upload a file instead.",
                   "服务器上没有 GoEmotions 测试集（{path}）；请改为上传文件。"),
    "ev_source_sample": ("GoEmotions test split, a seeded sample of {n:,} rows",
                         "GoEmotions 测试集，固定种子抽样的 {n:,} 行"),
    "ev_run_first": ("Press Evaluate first.", "请先点击“评估”。"),
    "ev_misses": ("Misses of {label} (true, not predicted): {n}", "{label}的漏判（真实有、未预测）：{n} 个"),
    "ev_alarms": ("False alarms of {label} (predicted, not true): {n}", "{label}的误报（预测有、真实无）：{n} 个"),
    "ev_hidden": ("The classroom filter hid {n} sentence(s) with offensive words; switch it off to see them.",
                  "课堂过滤隐藏了 {n} 个含冒犯性词语的句子；关闭过滤即可看到。"),
    "ev_score": ("score", "分数"),
    "ev_sentence": ("sentence", "句子"),
    "ev_open": ("open", "打开"),
    "ev_predict": ("Predict", "预测"),
    "ev_explain": ("Explain", "解释"),
    "ev_fig_title": ("True labels (rows) against predicted labels (columns): sentences counted",
                     "真实标签（行）对预测标签（列）：句子数"),
    "ev_fig_true": ("true label", "真实标签"),
    "ev_fig_pred": ("predicted label", "预测标签"),
    "ev_fig_hover": ("true {true}, predicted {pred}: {n} sentences", "真实 {true}，预测 {pred}：{n} 个句子"),
})
