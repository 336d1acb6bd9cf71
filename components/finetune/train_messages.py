"""English and Chinese texts of training, its data and its layer specs (ft_data_, ft_train_, ft_layers_ keys).

Design decision: these are the messages a data file, a training budget or a layer spec can
produce; the live run in the Fine-tuning tab shows them, so they exist in both languages even
though the CLI prints only the English one. The tab's own texts live in its ``messages.py``.
"""

from components.core.messages import register

register({
    "ft_data_where": ("{path}, line {line}", "{path} 第 {line} 行"),
    "ft_data_unknown_split": ("Unknown split '{split}'; use one of {choices}.",
                              "未知的数据划分“{split}”；请使用 {choices} 之一。"),
    "ft_data_empty_id": ("{where}: empty label id in '{field}'. Every row needs at least one label id.",
                         "{where}：“{field}”中有空的标签编号。每一行至少需要一个标签编号。"),
    "ft_data_id_not_int": ("{where}: label id '{id}' is not an integer. Fix or remove the row.",
                           "{where}：标签编号“{id}”不是整数。请修改或删除这一行。"),
    "ft_data_id_range": ("{where}: label id {id} is outside {lo}..{hi}. Fix or remove the row.",
                         "{where}：标签编号 {id} 超出 {lo}..{hi} 的范围。请修改或删除这一行。"),
    "ft_data_columns": ("{where}: expected {n} tab-separated columns, found {found}. Check the file is tab-separated.",
                        "{where}：应有 {n} 列（以制表符分隔），实际为 {found} 列。请检查文件是否用制表符分隔。"),
    "ft_data_empty_text": ("{where}: empty text. Remove the row or fill in the text.",
                           "{where}：文本为空。请删除这一行或补上文本。"),
    "ft_data_no_rows": ("{path}: no rows. Check the file is the right one and not empty.",
                        "{path}：没有任何数据行。请确认文件正确且不为空。"),
    "ft_data_no_names": ("{folder}: no emotions.txt; a GoEmotions directory holds emotions.txt and train.tsv, dev.tsv "
                         "and test.tsv in the original format.",
                         "{folder}：缺少 emotions.txt；GoEmotions 目录应包含原始格式的 emotions.txt 以及 train.tsv、"
                         "dev.tsv 和 test.tsv。"),
    "ft_data_no_split_file": ("{path} does not exist; expected train.tsv, dev.tsv and test.tsv in {folder}.",
                              "{path} 不存在；{folder} 中应有 train.tsv、dev.tsv 和 test.tsv。"),
    "ft_data_needs_datasets": ("Loading GoEmotions from the Hub needs `pip install datasets==5.2.0`; or pass a local "
                               "GoEmotions directory (train.tsv, dev.tsv, test.tsv, emotions.txt).",
                               "从 Hub 加载 GoEmotions 需要先运行 `pip install datasets==5.2.0`；也可以给出本地的 "
                               "GoEmotions 目录（train.tsv、dev.tsv、test.tsv、emotions.txt）。"),
    "ft_data_hub_failed": ("Could not load {hub_id} ({split}) from the Hub: {error}. Offline, pass a local GoEmotions "
                           "directory instead.",
                           "无法从 Hub 加载 {hub_id}（{split}）：{error}。离线时请改用本地的 GoEmotions 目录。"),
    "ft_data_labels_type": ("{where}: 'labels' must be a list of names or a string separated by ',' or '|', got "
                            "{type}.",
                            "{where}：“labels”必须是标签名列表，或用“,”或“|”分隔的字符串，实际是 {type}。"),
    "ft_data_empty_label": ("{where}: empty label name in {value}. Every row needs at least one label.",
                            "{where}：{value} 中有空的标签名。每一行至少需要一个标签。"),
    "ft_data_bad_json": ("{where}: invalid JSON ({error}). Each line must be one object like {example}.",
                         "{where}：JSON 无效（{error}）。每一行必须是一个对象，例如 {example}。"),
    "ft_data_not_object": ("{where}: expected a JSON object, got {type}.", "{where}：应为 JSON 对象，实际是 {type}。"),
    "ft_data_header": ("{where}: header lacks column(s) {missing}; the CSV needs a header row with 'text' and "
                       "'labels'.",
                       "{where}：表头缺少列 {missing}；CSV 需要包含“text”和“labels”的表头行。"),
    "ft_data_missing_field": ("{where}: missing '{field}' field. Each row needs 'text' and 'labels'.",
                              "{where}：缺少“{field}”字段。每一行都需要“text”和“labels”。"),
    "ft_data_unknown_label": ("{where}: unknown label(s) {unknown}; known labels: {known}.",
                              "{where}：未知标签 {unknown}；已知标签为：{known}。"),
    "ft_data_not_found": ("Data source '{source}' is neither a file, a GoEmotions directory nor '{hub_id}'. Check the "
                          "path.",
                          "数据来源“{source}”既不是文件，也不是 GoEmotions 目录或“{hub_id}”。请检查路径。"),
    "ft_data_file_type": ("{path}: unknown file type '{suffix}'; use .tsv (XED format), .csv or .jsonl.",
                          "{path}：未知的文件类型“{suffix}”；请使用 .tsv（XED 格式）、.csv 或 .jsonl。"),
    "ft_data_too_few": ("{path} has {n} rows: too few to split into train, dev and test (at least 3). Add rows, or "
                        "give the splits as separate {stem}.train, {stem}.dev and {stem}.test files.",
                        "{path} 只有 {n} 行，不足以划分为训练集、开发集和测试集（至少 3 行）。请增加数据，或分别提供 "
                        "{stem}.train、{stem}.dev 和 {stem}.test 文件。"),
    "ft_data_no_file": ("No data for the {split} split: neither {sibling} nor {path} exists.",
                        "{split} 划分没有数据：{sibling} 和 {path} 都不存在。"),
})

register({
    "ft_train_unknown_method": ("Unknown training method '{method}'; use one of {choices}.",
                                "未知的训练方法“{method}”；请从以下方法中选择：{choices}。"),
    "ft_train_layers_sklearn_only": ("--layers chooses the features of the sklearn-lr method; '{method}' always "
                                     "reads the last layer.",
                                     "--layers 用于选择 sklearn-lr 方法的特征；“{method}”始终读取最后一层。"),
    "ft_train_max_examples": ("The training budget must be a positive number of examples, not {n}.",
                              "训练样本数必须是正整数，而不是 {n}。"),
    "ft_train_labels_differ": ("The {split} split has the labels {got}, but training uses {want}; read it with the "
                               "train split's label names.",
                               "{split} 数据的标签是 {got}，而训练使用的是 {want}；请用训练集的标签名读取它。"),
    "ft_layers_bad": ("'{spec}' is not a layer spec. Write [mean|sum|concat:]LAYERS, where LAYERS is a comma-separated "
                      "list of 0..{n} (0 = embeddings; negative counts from the end), embeddings, last, lastN or all; "
                      "e.g. last, -2, sum:last4, concat:last4, sum:all.",
                      "“{spec}”不是有效的层选择。写法为 [mean|sum|concat:]层列表，层列表用逗号分隔，每项可以是 0..{n}"
                      "（0 为嵌入层；负数从末尾数起）、embeddings、last、lastN 或 all；例如 last、-2、sum:last4、"
                      "concat:last4、sum:all。"),
    "ft_layers_range": ("'{spec}' names a layer this model does not have: it has the embeddings (0) and layers 1..{n}.",
                        "“{spec}”指定了模型中不存在的层：该模型只有嵌入层（0）和第 1..{n} 层。"),
    "ft_layers_repeated": ("'{spec}' names a layer twice; name each layer once.",
                           "“{spec}”重复指定了同一层；每一层只能指定一次。"),
})
