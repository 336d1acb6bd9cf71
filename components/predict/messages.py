"""Every text of the Predict lesson, in English and 简体中文."""

from components.core.messages import register

register({
    "tab_predict": ("Predict", "预测"),
    "pred_intro": (
        "A BERT fine-tuned on 28 emotions scores **every label on its own** (a sigmoid per label), so a sentence "
        "can be both *joy* and *gratitude*. A label is predicted when its bar passes its threshold mark.",
        "一个在 28 种情绪上微调的 BERT 为**每个标签单独**打分（每个标签一个 sigmoid），所以一句话可以同时是“喜悦”"
        "和“感激”。当某个标签的概率条超过它的阈值标记时，就预测该标签。"),
    "pred_text": ("Text", "文本"),
    "pred_run": ("Predict", "预测"),
    "pred_mode": ("Thresholds", "阈值"),
    "pred_mode_tuned": ("per label (tuned on the dev split)", "每个标签各自的阈值（在验证集上调优）"),
    "pred_mode_global": ("one global threshold", "统一的全局阈值"),
    "pred_threshold": ("Global threshold", "全局阈值"),
    "pred_plot": ("Probability of every label", "每个标签的概率"),
    "pred_set": ("Predicted labels", "预测的标签"),
    "pred_top": ("Top labels", "得分最高的标签"),
    "pred_card": ("About this classifier", "关于这个分类器"),
    "pred_threshold_range": ("The global threshold must be between 0 and 1 (for example 0.5).",
                             "全局阈值必须在 0 和 1 之间（例如 0.5）。"),
    "pred_no_head": ("{model} has no classification head: choose a classifier.",
                     "{model} 没有分类头：请选择一个分类器。"),
    "pred_not_understood": (
        "**Not predicted:** most of this text is unknown to this classifier's vocabulary, so it cannot read it. "
        "The bars below are what it guesses from almost nothing; do not trust them.",
        "**不作预测：** 这段文字的大部分不在这个分类器的词表里，它读不懂。下面的概率条几乎是凭空猜测，请不要相信。"),
    "pred_none_passes": ("No label passes its threshold.", "没有标签超过它的阈值。"),
    "pred_kind_multi": ("multi-label: each label has its own sigmoid and threshold",
                        "多标签：每个标签有自己的 sigmoid 和阈值"),
    "pred_kind_single": ("single-label: softmax, exactly one label", "单标签：softmax，恰好一个标签"),
    "pred_kind_none": ("regression: raw scores", "回归：原始分数"),
    "pred_read": ("Read the first {n} tokens, as this classifier was trained ({limit} at most).",
                  "按这个分类器训练时的方式，只读取了前 {n} 个词元（最多 {limit} 个）。"),
    "pred_session": ("This browser's own classifier (trained in the Fine-tuning tab) is in use.",
                     "正在使用本浏览器自己的分类器（在“微调”标签页中训练）。"),
    "pred_fig_title": ("Probability per label", "每个标签的概率"),
    "pred_fig_title_unread": ("Probability per label (text not understood: mostly unknown tokens)",
                              "每个标签的概率（读不懂这段文字：大多是未知词元）"),
    "pred_fig_probability": ("probability", "概率"),
    "pred_fig_score": ("score", "分数"),
    "pred_fig_threshold": ("threshold", "阈值"),
    "pred_metrics_header": ("| split | macro-F1 | micro-F1 | macro precision | macro recall |",
                            "| 数据集 | 宏平均 F1 | 微平均 F1 | 宏平均精确率 | 宏平均召回率 |"),
    "pred_split_dev": ("dev", "验证集"),
    "pred_split_test": ("test", "测试集"),
    "pred_published": (
        "Published BERT-base on the same test split: macro-F1 0.46 (GoEmotions paper), 0.49 (2026 re-run with "
        "class weights).",
        "已发表的 BERT-base 在同一测试集上的结果：宏平均 F1 0.46（GoEmotions "
        "论文），0.49（2026 年加类别权重的复现）。"),
    "pred_card_en_only": ("The model card below is in English, as it was written by `python app.py train`.",
                          "下面的模型说明是英文的，由 `python app.py train` 自动生成。"),
})
