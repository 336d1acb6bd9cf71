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
