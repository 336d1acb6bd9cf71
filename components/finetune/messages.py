"""Every text of the Fine-tuning lesson's tab, in English and 简体中文 (keys ft_tab_, ft_cmp_, ft_curve_,
ft_live_, ft_chg_; the training CLI's own texts are in train_messages.py)."""

from components.core.messages import register
from components.finetune import train_messages  # noqa: F401 - a live run shows the ft_data_/ft_train_ texts too

register({
    "tab_finetune": ("Fine-tuning", "微调"),
    "ft_tab_intro": (
        "**Feature extraction or fine-tuning?** Both start from the same pre-trained BERT. *Feature extraction* "
        "keeps BERT frozen: it reads each sentence once, its vectors become fixed features, and only a small model "
        "of your own learns on top (here a linear head or a logistic regression; an SVM or an LSTM would do too). "
        "It is cheap, and the same features serve many tasks. *Fine-tuning* backpropagates the task's errors into "
        "BERT's own weights (all of them, or small low-rank LoRA adapters beside them), so the vectors themselves "
        "adapt to the task. It costs more time, but usually scores better. Below: the two measured on the same "
        "emotion data, a run you can start yourself, and what fine-tuning changed inside BERT.",
        "**特征提取还是微调？** 两者都从同一个预训练好的 BERT 出发。*特征提取*让 BERT 保持冻结：它把每个句子读一遍，"
        "得到的向量成为固定的特征，只有你自己搭在上面的小模型在学习"
        "（这里是一个线性分类头或逻辑回归；SVM 或 LSTM 也可以）。"
        "它很便宜，而且同一套特征可以用于许多任务。*微调*把任务的误差反向传播到 BERT 自己的权重里（全部权重，或者旁边"
        "小小的低秩 LoRA 适配器），于是向量本身也会适应任务。它更花时间，但通常得分更高。下面是：在同一份情绪数据上"
        "对两者的测量、一个你可以亲自启动的训练，以及微调在 BERT 内部改变了什么。"),
    "ft_tab_measured": ("Measured: the recipes on GoEmotions (28 emotions, test split)",
                        "实测：各训练方案在 GoEmotions 上的结果（28 种情绪，测试集）"),
    "ft_tab_table": ("Comparison of the recorded runs", "已记录训练的对比"),
    "ft_tab_curves": ("Learning curves of the recorded runs", "已记录训练的学习曲线"),
    "ft_tab_live": ("Try it: a live mini-run", "动手试试：现场小规模训练"),
    "ft_tab_changed": ("What fine-tuning changed inside BERT", "微调在 BERT 内部改变了什么"),

    "ft_cmp_method": ("method", "方法"),
    "ft_cmp_kind": ("kind", "类型"),
    "ft_cmp_epochs": ("epochs", "训练轮数"),
    "ft_cmp_macro": ("test macro-F1", "测试集宏平均 F1"),
    "ft_cmp_micro": ("test micro-F1", "测试集微平均 F1"),
    "ft_cmp_trained": ("trained parameters", "训练的参数量"),
    "ft_cmp_share": ("share trained", "训练参数占比"),
    "ft_cmp_time": ("training time", "训练时间"),
    "ft_cmp_size": ("size on disk", "磁盘占用"),
    "ft_cmp_kind_extract": ("feature extraction", "特征提取"),
    "ft_cmp_kind_tune": ("fine-tuning", "微调"),
    "ft_cmp_head": ("head: linear head on frozen BERT", "head：冻结的 BERT 上加线性分类头"),
    "ft_cmp_lora": ("lora: LoRA adapters + head", "lora：LoRA 适配器加分类头"),
    "ft_cmp_full": ("full: every weight + head", "full：全部权重加分类头"),
    "ft_cmp_sklearn-lr": ("sklearn-lr: logistic regression on frozen BERT", "sklearn-lr：冻结 BERT 特征上的逻辑回归"),
    "ft_cmp_layer_row": ("sklearn-lr on layers {spec}", "sklearn-lr，使用层 {spec}"),
    "ft_cmp_minutes": ("{minutes:.1f} min", "{minutes:.1f} 分钟"),
    "ft_cmp_seconds": ("{seconds:.0f} s", "{seconds:.0f} 秒"),
    "ft_cmp_fit": ("{seconds:.0f} s (fit only)", "仅拟合 {seconds:.0f} 秒"),
    "ft_cmp_size_shared": ("{size} (+ the shared base)", "{size}（另加共用的基础模型）"),
    "ft_cmp_no_records": (
        "No training records in {path} yet. Each run of `python app.py train ... --out DIR` writes "
        "DIR/training_record.json; the shipped ones are produced by the recipes in the README.",
        "{path} 中还没有训练记录。每次运行 `python app.py train ... --out DIR` 都会写出 DIR/training_record.json；"
        "随应用提供的记录由 README 中的训练方案生成。"),
    "ft_cmp_bad_record": ("{path} is not a readable training record ({error}); it is left out of the table.",
                          "{path} 不是可读取的训练记录（{error}），已从表格中略去。"),
    "ft_cmp_layers_missing": (
        "Which layer's vectors work best for feature extraction? That sweep is not measured on this copy yet: "
        "run `python benchmarks/finetune_layers_bench.py` (about an hour on 2 cores) and its rows appear here.",
        "特征提取时用哪一层的向量最好？这份副本还没有测量这一项：运行 `python benchmarks/finetune_layers_bench.py`"
        "（在 2 核上约一小时），结果行就会出现在这里。"),
    "ft_cmp_layers_note": (
        "Rows “sklearn-lr on layers …” answer the BERT paper's question (which layer's vectors?) for our task. "
        "Layers are named as `--layers` takes them: 0 (`embeddings`) is the embedding output, 1 the first encoder "
        "layer, {n} the last layer; `sum`/`concat` combine several layers. The figures below count encoder layers "
        "from 0, as the Attention tab does, so their layer {last} is this table's {n}. Their time is the fit alone "
        "(the features were extracted once for the whole sweep). From {path}.",
        "“sklearn-lr，使用层 …”这些行针对我们的任务回答了 BERT 论文的问题（用哪一层的向量？）。层的编号与 `--layers` "
        "参数一致：0（`embeddings`）是词嵌入层的输出，1 是编码器的第一层，{n} 是最后一层；`sum`/`concat` "
        "表示把几层相加或拼接。下方的图与“注意力”标签页一样从 0 开始给编码器层编号，所以图中的第 {last} 层就是本表的 "
        "{n}。这些行的时间只算拟合（整个对比只提取了一次特征）。数据来自 {path}。"),
    "ft_cmp_note": (
        "Macro-F1 averages the 28 emotions equally (rare ones count as much as frequent ones); micro-F1 pools every "
        "decision. Thresholds are tuned per label on the dev split, never on test. Time is the training time "
        "recorded on the machine that ran it; size is the classifier's own files (the base model is shared).",
        "宏平均 F1 对 28 种情绪一视同仁（少见的情绪和常见的同样重要）；微平均 F1 把所有判断合在一起计算。每个标签的阈值"
        "在验证集上调好，从不在测试集上调。时间是训练所在机器上记录的训练时长；大小只算分类器自己的文件（基础模型是共用的）。"),

    "ft_curve_title": ("Learning curves: training loss and dev macro-F1", "学习曲线：训练损失与验证集宏平均 F1"),
    "ft_curve_loss": ("training loss (smoothed)", "训练损失（平滑后）"),
    "ft_curve_dev": ("dev macro-F1 after each epoch", "每轮结束时的验证集宏平均 F1"),
    "ft_curve_epoch": ("epoch", "轮次"),
    "ft_curve_epoch_log": ("epoch (log scale)", "轮次（对数刻度）"),
    "ft_curve_loss_axis": ("loss", "损失"),
    "ft_curve_f1_axis": ("macro-F1", "宏平均 F1"),
    "ft_curve_none": ("No learning curves: no training record has a loss per step.",
                      "没有学习曲线：没有一份训练记录包含每一步的损失。"),

    "ft_live_intro": (
        "Train a classifier yourself on a small budget of GoEmotions training examples (one pass, sentences cut at "
        "64 tokens) and watch the loss fall. `head` trains only a linear head on frozen BERT vectors; `lora` also "
        "adapts BERT through small LoRA adapters. Both are scored on the same 1,000 fixed dev sentences before and "
        "after. One run at a time on this server: if someone else is training, you wait your turn.",
        "用少量 GoEmotions 训练样本亲自训练一个分类器（只过一遍数据，句子截断到 64 个词元），看着损失下降。`head` 只在"
        "冻结的 BERT 向量上训练一个线性分类头；`lora` 还会通过小小的 LoRA 适配器调整 BERT 本身。两者都在同样的 1000 个"
        "固定验证句子上，训练前后各评估一次。这台服务器一次只跑一个训练：如果别人正在训练，你需要排队等候。"),
    "ft_live_method": ("Method", "方法"),
    "ft_live_head": ("head: feature extraction (BERT frozen)", "head：特征提取（BERT 冻结）"),
    "ft_live_lora": ("lora: fine-tuning (BERT adapts)", "lora：微调（BERT 随之调整）"),
    "ft_live_budget": ("Training examples", "训练样本数"),
    "ft_live_train": ("Train", "开始训练"),
    "ft_live_cancel": ("Cancel", "取消"),
    "ft_live_forget": ("Use the shipped classifier again", "改回使用自带的分类器"),
    "ft_live_status": ("Progress", "进度"),
    "ft_live_result": ("Result", "结果"),
    "ft_live_plot": ("Training loss", "训练损失"),
    "ft_live_off": (
        "Live training is switched off on this server (it was started with `--no-live-training`, as on a public "
        "Space where one small CPU serves everybody). The table and the curves above come from complete runs. "
        "To train yourself, run the same recipe on your own machine: `python app.py train --data DIR --method lora "
        "--epochs 1 --max-examples 2000 --out my-classifier`, then `python app.py --classifier my-classifier`.",
        "这台服务器关闭了现场训练（它以 `--no-live-training` 启动，就像公共 Space 上一块小 CPU 要服务所有人那样）。"
        "上面的表格和曲线来自完整的训练。想亲自训练，可以在自己的电脑上运行同样的方案：`python app.py train --data DIR "
        "--method lora --epochs 1 --max-examples 2000 --out my-classifier`，然后运行 "
        "`python app.py --classifier my-classifier`。"),
    "ft_live_no_data": (
        "Live training needs the GoEmotions training data, and this server has none: it looked for {path} and "
        "the Hugging Face Hub is not reachable ({why}). Put the original GoEmotions files (train.tsv, dev.tsv, "
        "test.tsv, emotions.txt) in {path}, or start the server where it can reach the Hub (or set HF_ENDPOINT "
        "to a mirror) to use the dataset {hub_id}.",
        "现场训练需要 GoEmotions 训练数据，而这台服务器上没有：它在 {path} 中没有找到，也无法访问 Hugging Face 的 Hub"
        "（{why}）。请把 GoEmotions 原始文件（train.tsv、dev.tsv、test.tsv、emotions.txt）放到 {path}，"
        "或者在能访问 Hub "
        "的地方启动服务器（或把 HF_ENDPOINT 设为镜像），以使用数据集 {hub_id}。"),
    "ft_live_why_offline": ("HF_HUB_OFFLINE is set", "设置了 HF_HUB_OFFLINE"),
    "ft_live_why_unreachable": ("{endpoint} does not answer", "{endpoint} 没有响应"),
    "ft_live_budget_clamped": ("{asked} training examples is outside {lo}–{hi}: this run trains on {used}.",
                               "{asked} 个训练样本超出了 {lo}–{hi} 的范围：这次训练使用 {used} 个。"),
    "ft_live_budget_nan": ("The budget must be a number of training examples between {lo} and {hi}.",
                           "训练样本数必须是 {lo} 到 {hi} 之间的数字。"),
    "ft_live_method_unknown": ("Unknown live training method '{method}'; choose {choices}.",
                               "未知的现场训练方法“{method}”；请选择 {choices}。"),
    "ft_live_phase_queued": ("Waiting for the training slot…", "正在等待训练名额……"),
    "ft_live_phase_load": ("Loading the data and BERT…", "正在加载数据和 BERT……"),
    "ft_live_phase_dev": ("BERT reads the {total:,} dev sentences once (kept for later runs): {done:,}/{total:,}",
                          "BERT 把 {total:,} 个验证句子读一遍（留给之后的训练复用）：{done:,}/{total:,}"),
    "ft_live_phase_features": ("Feature extraction: frozen BERT reads each training sentence once: {done:,}/{total:,}",
                               "特征提取：冻结的 BERT 把每个训练句子读一遍：{done:,}/{total:,}"),
    "ft_live_phase_train": ("Training: step {done:,} of {total:,}", "训练中：第 {done:,} 步，共 {total:,} 步"),
    "ft_live_phase_after": ("Scoring the fine-tuned BERT on the dev sentences: {done:,}/{total:,}",
                            "用验证句子评估微调后的 BERT：{done:,}/{total:,}"),
    "ft_live_phase_save": ("Saving your classifier…", "正在保存你的分类器……"),
    "ft_live_before": ("Dev macro-F1 before training (untrained head): **{before:.3f}**",
                       "训练前的验证集宏平均 F1（未训练的分类头）：**{before:.3f}**"),
    "ft_live_done": (
        "**Done in {seconds:.0f} s** ({method}, {examples:,} examples, {rate:.0f} examples/s, {trained:,} of "
        "{total:,} parameters trained). Dev macro-F1 on {scored:,} fixed dev sentences: **{before:.3f} before → "
        "{after:.3f} after**, with each label's threshold tuned on {tuned:,} other dev sentences (the same rule "
        "before and after). The table above shows *test* scores of full runs on a separate split, so the two "
        "numbers are not the same measurement.",
        "**用时 {seconds:.0f} 秒完成**（{method}，{examples:,} 个样本，每秒 {rate:.0f} 个，训练了 {total:,} 个参数中的 "
        "{trained:,} 个）。在 {scored:,} 个固定验证句子上的宏平均 F1：**训练前 {before:.3f} → 训练后 {after:.3f}**；"
        "每个标签的阈值在另外 {tuned:,} 个验证句子上调好（训练前后规则相同）。上面的表格是完整训练在另一份测试集上的"
        "*测试*分数，两者不是同一种测量。"),

    "ft_live_yours": (
        "The **Predict** tab now uses this classifier, in this browser only; everybody else keeps the shipped one. "
        "It is deleted when you close this page.",
        "**预测**标签页现在使用这个分类器，只在这个浏览器里有效；其他人仍使用自带的分类器。关闭此页面后它会被删除。"),
    "ft_live_cancelled": ("Cancelled after {steps:,} steps: nothing was saved, Predict keeps the classifier it had.",
                          "已在第 {steps:,} 步后取消：没有保存任何东西，预测标签页仍使用原来的分类器。"),
    "ft_live_already": ("Your previous run is still going: wait for it or press Cancel.",
                        "你上一次的训练还在进行：请等待它结束，或点击“取消”。"),
    "ft_live_nothing": ("No training of yours is running.", "你没有正在进行的训练。"),
    "ft_live_forgotten": ("Predict uses the shipped classifier again.", "预测标签页已改回使用自带的分类器。"),
    "ft_live_crashed": (
        "The training process stopped unexpectedly (exit code {code}). Try again with fewer examples; if it keeps "
        "happening, tell your teacher.",
        "训练进程意外停止（退出码 {code}）。请用更少的样本再试一次；如果一直出现，请告诉老师。"),
    "ft_live_fig_title": ("Training loss, step by step: {method}", "逐步的训练损失：{method}"),
    "ft_live_fig_step": ("optimisation step", "优化步"),
    "ft_live_fig_raw": ("loss of each step", "每一步的损失"),
    "ft_live_fig_smooth": ("smoothed", "平滑后"),

    "ft_chg_intro": (
        "The same sentences through the **base** encoder and the **fine-tuned** one. Per layer, *linear CKA* compares "
        "the two sets of hidden states (1 = the same geometry); per head, the *Jensen–Shannon divergence* measures "
        "how much its attention moved (0 = unchanged); for LoRA, the size of each low-rank update ΔW = B·A·(α/r); "
        "and for your sentence, the cosine between base and fine-tuned vectors of every token at every layer. "
        "The probe set is about 200 classroom sentences written for this project, in the model's language.",
        "把同样的句子分别送入**基础**编码器和**微调后**的编码器。逐层比较：*线性 CKA* 衡量两组隐藏状态的相似程度"
        "（1 表示几何结构相同）；逐个注意力头比较：*Jensen–Shannon 散度*衡量注意力变化了多少（0 表示没变）；对 LoRA，"
        "显示每个低秩更新 ΔW = B·A·(α/r) 的大小；对你输入的句子，显示每个词元在每一层上基础向量与微调向量的余弦相似度。"
        "探针句子是为本项目编写的约 200 个课堂例句，使用模型所对应的语言。"),
    "ft_chg_which": ("Fine-tuned classifier", "微调后的分类器"),
    "ft_chg_shipped": ("the shipped classifier", "自带的分类器"),
    "ft_chg_mine": ("the one I trained above", "我在上面训练的分类器"),
    "ft_named": ("{name} ({detail})", "{name}（{detail}）"),  # brackets as each language writes them
    "ft_chg_text": ("Sentence", "句子"),
    "ft_chg_run": ("Compare base and fine-tuned", "比较基础模型与微调模型"),
    "ft_chg_no_mine": ("You have not trained a classifier in this browser yet: press Train above first.",
                       "你还没有在这个浏览器里训练分类器：请先点击上面的“开始训练”。"),
    "ft_chg_no_base": (
        "This classifier ({name}) was not trained by this project, so its base encoder is unknown and there is "
        "nothing to compare it with.",
        "这个分类器（{name}）不是由本项目训练的，不知道它的基础编码器，因此无法比较。"),
    "ft_chg_cka_title": ("Linear CKA per layer ({n} sentences)", "逐层线性 CKA（{n} 个句子）"),
    "ft_chg_layer": ("layer", "层"),
    "ft_chg_embeddings": ("emb.", "嵌入"),
    "ft_chg_cka_axis": ("CKA (1 = same geometry)", "CKA（1 = 几何结构相同）"),
    "ft_chg_js_title": ("How much each head's attention changed (mean Jensen–Shannon divergence)",
                        "每个注意力头的注意力变化了多少（平均 Jensen–Shannon 散度）"),
    "ft_chg_head": ("head", "注意力头"),
    "ft_chg_js_axis": ("JS divergence", "JS 散度"),
    "ft_chg_lora_title": ("LoRA update ‖ΔW‖ per weight matrix", "每个权重矩阵的 LoRA 更新 ‖ΔW‖"),
    "ft_chg_lora_axis": ("‖ΔW‖ (Frobenius)", "‖ΔW‖（Frobenius 范数）"),
    "ft_chg_lora_relative": ("‖ΔW‖ / ‖W‖", "‖ΔW‖ / ‖W‖"),
    "ft_chg_lora_none": ("No LoRA update to show: the {method} classifier {why}.",
                         "没有可显示的 LoRA 更新：{method} 分类器{why}。"),
    "ft_chg_why_frozen": ("kept BERT frozen (feature extraction), so no weight of BERT changed",
                          "保持 BERT 冻结（特征提取），BERT 的权重一个都没有改变"),
    "ft_chg_why_full": ("changed every weight directly (full fine-tuning), without low-rank adapters",
                        "直接改变了所有权重（全量微调），没有使用低秩适配器"),
    "ft_chg_matrix_query": ("query", "查询 Q"),
    "ft_chg_matrix_key": ("key", "键 K"),
    "ft_chg_matrix_value": ("value", "值 V"),
    "ft_chg_matrix_attn_out": ("attention output", "注意力输出"),
    "ft_chg_matrix_ffn_in": ("feed-forward in", "前馈层输入"),
    "ft_chg_matrix_ffn_out": ("feed-forward out", "前馈层输出"),
    "ft_chg_cos_title": ("Cosine between base and fine-tuned vectors, per token and layer",
                         "每个词元在每一层上，基础向量与微调向量的余弦相似度"),
    "ft_chg_token": ("token", "词元"),
    "ft_chg_cos_axis": ("cosine", "余弦"),
    "ft_chg_summary": (
        "**{which}:** CKA goes from {first:.3f} at the embeddings to {last:.3f} at layer {layers}; the head whose "
        "attention changed most is layer {js_layer}, head {js_head} (JS {js:.3f}). Layers and heads are numbered "
        "from 0, as in the Attention tab.",
        "**{which}：** CKA 从嵌入层的 {first:.3f} 变为第 {layers} 层的 {last:.3f}；注意力变化最大的是第 {js_layer} 层"
        "第 {js_head} 个头（JS {js:.3f}）。层和注意力头都从 0 开始编号，与“注意力”标签页相同。"),
    "ft_chg_frozen": ("**{which}:** feature extraction left BERT exactly as it was: CKA is 1 and no attention "
                      "changed, at every layer. Only the head on top learned.",
                      "**{which}：** 特征提取让 BERT 保持原样：每一层的 CKA 都是 1，注意力也没有任何变化。"
                      "只有顶上的分类头在学习。"),
})
