"""Every text of the Pre-training lesson, in English and 简体中文."""

from components.core.messages import register

register({
    "tab_pretraining": ("Pre-training", "预训练"),
    "pre_intro": (
        "BERT learned language from two games played on billions of sentences, with two small **heads** on top of "
        "its encoder. **Masked language model**: some pieces are hidden and BERT must recover them. **Next-sentence "
        "prediction**: is sentence B the one that followed sentence A? Play both below with BERT's own heads.",
        "BERT 通过在数十亿个句子上玩两个游戏来学习语言，它的编码器上面有两个小小的**预测头**。"
        "**掩码语言模型**：遮住一些词元，让 BERT 把它们猜回来。**下一句预测**：句子 B 是紧跟在句子 A 后面的那一句吗？"
        "下面用 BERT 自己的预测头来玩这两个游戏。"),
    "pre_fill_title": ("### 1. Fill in the blank", "### 1. 完形填空"),
    "pre_text": ("Sentence: type [MASK] for a blank, or click words below",
                 "句子：输入 [MASK] 表示空格，或点击下面的词"),
    "pre_words": ("Click words to hide them (a word split into pieces is hidden whole)",
                  "点击要遮住的词（被切成几个词元的词会整个遮住）"),
    "pre_guess_first": ("Guess first: type your guess, then reveal BERT's answer",
                        "先猜一猜：写下你的答案，再揭晓 BERT 的答案"),
    "pre_guess": ("Your guess for the first blank", "你对第一个空格的猜测"),
    "pre_top_k": ("Predictions per blank (top-k)", "每个空格显示的预测数（top-k）"),
    "pre_layer": ("Layer of the attention row", "注意力行所在的层"),
    "pre_filter": ("Classroom filter: hide offensive words", "课堂过滤：隐藏冒犯性词语"),
    "pre_reveal": ("Reveal BERT's answer", "揭晓 BERT 的答案"),
    "pre_fill_plot": ("BERT's predictions for each blank", "BERT 对每个空格的预测"),
    "pre_attention_plot": ("Where did [MASK] look?", "[MASK] 在看哪里？"),
    "pre_table": ("Predictions, one row per blank and rank", "预测结果，每个空格的每个名次一行"),
    "pre_bias_title": ("#### Bias, honestly", "#### 坦诚地看偏见"),
    "pre_bias_note": (
        "Fill-in repeats the patterns of the text BERT was trained on (books and Wikipedia): the same sentence about "
        "a man or a woman gets different jobs. That is a pattern of the training text, not a fact about people.",
        "填空会重复 BERT 训练文本（图书和维基百科）中的模式：同一个句子说的是男人还是女人，"
        "得到的职业就不同。这是训练文本的模式，不是关于人的事实。"),
    "pre_bias_run": ("Compare the pair", "比较这一对句子"),
    "pre_recipe_title": ("### 2. BERT's masking recipe", "### 2. BERT 的遮盖配方"),
    "pre_recipe_intro": (
        "In training, 15% of the pieces are chosen; of those, 80% become [MASK], 10% a random piece and 10% stay "
        "as they are. BERT must recover every chosen piece, so it cannot trust any piece it reads.",
        "训练时随机选出 15% 的词元；其中 80% 换成 [MASK]，10% 换成随机词元，10% 保持不变。"
        "BERT 必须还原每个被选中的词元，所以它不能完全相信读到的任何一个词元。"),
    "pre_seed": ("Seed (the same seed draws the same pieces)", "随机种子（相同的种子抽到相同的词元）"),
    "pre_recipe_run": ("Apply the recipe", "应用配方"),
    "pre_reroll": ("Re-roll (next seed)", "重新抽取（下一个种子）"),
    "pre_recipe_plot": ("The recipe on this sentence's pieces", "配方作用在这个句子的词元上"),
    "pre_recipe_table": ("Chosen pieces and what BERT recovered", "被选中的词元和 BERT 还原的结果"),
    "pre_nsp_title": ("### 3. Is B the next sentence?", "### 3. B 是下一句吗？"),
    "pre_nsp_intro": (
        "BERT reads both sentences at once as `[CLS] A [SEP] B [SEP]`; segment ids tell which sentence each piece "
        "belongs to. Its NSP head reads the [CLS] vector and says how likely it is that B really followed A.",
        "BERT 把两个句子一起读成 `[CLS] A [SEP] B [SEP]`；片段编号说明每个词元属于哪一句。"
        "它的下一句预测头读取 [CLS] 的向量，判断 B 确实紧跟在 A 后面的可能性。"),
    "pre_a": ("Sentence A", "句子 A"),
    "pre_b": ("Sentence B", "句子 B"),
    "pre_shuffle": ("Shuffle B", "随机换一个 B"),
    "pre_nsp_run": ("Is B the next sentence?", "B 是下一句吗？"),
    "pre_nsp_plot": ("The input BERT reads, with segment ids", "BERT 读到的输入和片段编号"),
    "pre_col_blank": ("blank", "空格"),
    "pre_col_position": ("token #", "词元序号"),
    "pre_col_rank": ("rank", "名次"),
    "pre_col_piece": ("piece", "词元"),
    "pre_col_probability": ("probability", "概率"),
    "pre_col_original": ("original", "原词元"),
    "pre_col_kind": ("what the recipe did", "配方的处理"),
    "pre_col_shown": ("BERT read", "BERT 读到的"),
    "pre_col_top": ("BERT's first choice", "BERT 的首选"),
    "pre_col_original_prob": ("P(original)", "P(原词元)"),
    "pre_col_hit": ("recovered", "还原成功"),
    "pre_col_sentence": ("sentence", "句子"),
    "pre_col_top5": ("BERT's top 5", "BERT 的前 5 个预测"),
    "pre_kind_special": ("special", "特殊词元"),
    "pre_kind_unchosen": ("not chosen", "未选中"),
    "pre_kind_mask": ("became [MASK]", "换成 [MASK]"),
    "pre_kind_random": ("became a random piece", "换成随机词元"),
    "pre_kind_kept": ("chosen, kept", "选中但保持不变"),
    "pre_segment_a": ("segment 0 (A)", "片段 0（A）"),
    "pre_segment_b": ("segment 1 (B)", "片段 1（B）"),
    "pre_yes": ("yes", "是"),
    "pre_no": ("no", "否"),
    "pre_fig_fill_title": ("BERT's top {k} for each blank", "BERT 对每个空格的前 {k} 个预测"),
    "pre_fig_blank": ("blank {n}", "空格 {n}"),
    "pre_fig_blank_answer": ("blank {n} (hidden: {answer})", "空格 {n}（原词：{answer}）"),
    "pre_fig_probability": ("probability", "概率"),
    "pre_fig_attention_title": ("Where each [MASK] looks: layer {layer}, mean of {heads} heads",
                                "每个 [MASK] 在看哪里：第 {layer} 层，{heads} 个注意力头的平均"),
    "pre_fig_attention_x": ("token it looks at", "被关注的词元"),
    "pre_fig_attention": ("attention", "注意力"),
    "pre_fig_recipe_title": ("The recipe with seed {seed}", "种子 {seed} 的遮盖配方"),
    "pre_fig_nsp_title": ("[CLS] A [SEP] B [SEP], each piece with its segment id",
                          "[CLS] A [SEP] B [SEP]，每个词元和它的片段编号"),
    "pre_fig_position": ("position {i}", "位置 {i}"),
    "pre_reads": ("**BERT reads:** {tokens}", "**BERT 读到的是：** {tokens}"),
    "pre_pointer": (
        "{model} has no pre-training heads, so nothing is predicted here. Models with BERT's own heads: {models}. "
        "Get one with **python app.py prefetch {example}** where there is internet (or set HF_ENDPOINT to a Hub "
        "mirror), then choose it in the Model menu.",
        "{model} 没有预训练头，所以这里不做预测。带有 BERT 自己预测头的模型：{models}。请在能上网的地方运行 "
        "**python app.py prefetch {example}**（或把 HF_ENDPOINT 设为 Hub 镜像）获取，然后在“模型”菜单中选择它。"),
    "pre_using_other": ("{asked} has no pre-training heads; this tab uses {used}, which has them.",
                        "{asked} 没有预训练头；本页使用带有预训练头的 {used}。"),
    "pre_using": ("This tab uses {model} and its own pre-training heads.", "本页使用 {model} 和它自己的预训练头。"),
    "pre_guess_needed": ("Type your guess for the first blank, then press “Reveal BERT's answer”.",
                         "先在“你对第一个空格的猜测”里写下答案，再点击“揭晓 BERT 的答案”。"),
    "pre_guess_result": ("Your guess **{piece}** for blank {n}: BERT ranks it {rank:,} of {vocab:,}, probability "
                         "{prob:.1%}.",
                         "你对空格 {n} 的猜测 **{piece}**：BERT 把它排在 {vocab:,} 个词元中的第 {rank:,} 名，"
                         "概率 {prob:.1%}。"),
    "pre_guess_unknown": ("Your guess **{piece}** is not in the vocabulary of {model}, so BERT cannot predict it.",
                          "你的猜测 **{piece}** 不在 {model} 的词表里，所以 BERT 无法预测它。"),
    "pre_guess_pieces": ("Your guess is {n} pieces; BERT predicts each blank on its own, so each piece is compared "
                         "with one blank.",
                         "你的猜测被切成 {n} 个词元；BERT 独立地预测每个空格，所以每个词元与一个空格比较。"),
    "pre_answer": ("Blank {n} hid **{answer}**: BERT ranks it {rank:,}, probability {prob:.1%}.",
                   "空格 {n} 遮住的是 **{answer}**：BERT 把它排在第 {rank:,} 名，概率 {prob:.1%}。"),
    "pre_hidden": ("The classroom filter hid {n} offensive piece(s); switch it off to see the predictions exactly as "
                   "the model gives them.",
                   "课堂过滤隐藏了 {n} 个冒犯性词元；关闭过滤即可看到模型给出的原始预测。"),
    "pre_attention_link": ("[Open the Attention lesson on this sentence]({url})", "[在注意力课中打开这个句子]({url})"),
    "pre_tokens_link": ("[See this pair in the Tokens lesson]({url})", "[在词元课中查看这对句子]({url})"),
    "pre_nsp_follows": ("**P(IsNext) = {p:.1%}**: BERT thinks B is the sentence that followed A.",
                        "**P(IsNext) = {p:.1%}**：BERT 认为 B 就是紧跟在 A 后面的句子。"),
    "pre_nsp_random": ("**P(IsNext) = {p:.1%}**: BERT thinks B is a random sentence, not the one that followed A.",
                       "**P(IsNext) = {p:.1%}**：BERT 认为 B 是一个随机的句子，不是紧跟在 A 后面的那一句。"),
    "pre_recipe_none": ("Seed {seed}: none of the {n} pieces was chosen this time (each is chosen with probability "
                        "15%). Re-roll.",
                        "种子 {seed}：这次 {n} 个词元一个也没被选中（每个词元被选中的概率是 15%）。请重新抽取。"),
    "pre_recipe_drawn": ("Seed {seed}: {chosen} of {n} pieces chosen: {mask} became [MASK], {random} a random "
                         "piece, {kept} kept.",
                         "种子 {seed}：{n} 个词元中选中了 {chosen} 个：{mask} 个换成 [MASK]，{random} 个换成随机词元，"
                         "{kept} 个保持不变。"),
    "pre_recipe_recovered": ("{drawn} BERT recovered {hits} of {chosen} ({share:.0%}).",
                             "{drawn}BERT 还原了 {chosen} 个中的 {hits} 个（{share:.0%}）。"),
    "pre_top_k_range": ("Top-k must be a whole number from 1 to {limit}.", "top-k 必须是 1 到 {limit} 之间的整数。"),
    "pre_layer_range": ("The layer must be from 1 to {n} for this model.",
                        "对这个模型来说，层数必须在 1 到 {n} 之间。"),
    "pre_seed_range": ("The seed must be a whole number from 0 to {limit}.",
                       "随机种子必须是 0 到 {limit} 之间的整数。"),
    "pre_word_unknown": ("There is no word number {number}: the sentence has {n} words (numbered from 0).",
                         "没有第 {number} 个词：这个句子有 {n} 个词（从 0 开始编号）。"),
    "pre_mask_special": ("Position {position} is BERT's special token {token}, not a piece of the sentence: only "
                         "pieces of the sentence can be masked.",
                         "位置 {position} 是 BERT 的特殊词元 {token}，不是句子里的词元：只能遮住句子里的词元。"),
    "pre_no_mask": ("Nothing is hidden yet: type [MASK] where a word should go, or click the words to hide below "
                    "the sentence.",
                    "还没有遮住任何词：在要填的位置输入 [MASK]，或在句子下方点击要遮住的词。"),
    "pre_too_many_masks": ("The sentence has {n} blanks; BERT Lens fills at most {limit} at once. Unmask some words.",
                           "这个句子有 {n} 个空格；BERT 透镜一次最多填 {limit} 个。请取消遮住一些词。"),
    "pre_model_has_no_mlm": (
        "{model} has no masked-LM head, so it cannot fill in blanks. bert-base-uncased, bert-base-chinese and "
        "bert-base-multilingual-cased have it: `python app.py prefetch bert-base-uncased` (or set HF_ENDPOINT to a "
        "Hub mirror).",
        "{model} 没有掩码语言模型头，无法填空。bert-base-uncased、bert-base-chinese 和 bert-base-multilingual-cased "
        "都有：运行 `python app.py prefetch bert-base-uncased`（或把 HF_ENDPOINT 设为 Hub 镜像）。"),
    "pre_model_has_no_nsp": (
        "{model} has no next-sentence head. bert-base-uncased, bert-base-chinese and bert-base-multilingual-cased "
        "have it: `python app.py prefetch bert-base-uncased` (or set HF_ENDPOINT to a Hub mirror).",
        "{model} 没有下一句预测头。bert-base-uncased、bert-base-chinese 和 bert-base-multilingual-cased 都有："
        "运行 `python app.py prefetch bert-base-uncased`（或把 HF_ENDPOINT 设为 Hub 镜像）。"),
    "pre_need_b": ("Next-sentence prediction needs two sentences: type sentence B too.",
                   "下一句预测需要两个句子：请也输入句子 B。"),
})
