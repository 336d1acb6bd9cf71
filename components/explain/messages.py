"""Every text of the Explain lesson, in English and 简体中文."""

from components.core.messages import register

register({
    # the tab and its controls
    "tab_explain": ("Explain", "解释"),
    "expl_intro": (
        "**Why this label?** Pick a label: every token is coloured by how much it pushes that label's score up "
        "(red) or down (blue). **Integrated Gradients** walks from a sentence of [PAD]s to your sentence in small "
        "steps and adds up the gradients; **gradient × input** takes one step. Below, attention is put beside the "
        "attribution, and you can switch attention heads off and watch every label move.",
        "**为什么是这个标签？** 选一个标签：每个词元的颜色表示它把这个标签的分数往上推（红色）还是往下拉（蓝色），"
        "颜色越深作用越大。**积分梯度**从一串 [PAD] 出发，一小步一小步走到你的句子，把沿途的梯度累加起来；"
        "**梯度 × 输入**只走一步。下面还把注意力和归因放在一起比较，并且可以关掉注意力头，看每个标签怎样变化。"),
    "expl_text": ("Text", "文本"),
    "expl_run": ("Explain", "解释"),
    "expl_label": ("Label to explain", "要解释的标签"),
    "expl_label_top": ("top label (default)", "得分最高的标签（默认）"),
    "expl_method": ("Method", "方法"),
    "expl_method_ig": ("Integrated Gradients", "积分梯度"),
    "expl_method_gxi": ("gradient × input (instant)", "梯度 × 输入（即时）"),
    "expl_output": ("Explain the label's", "解释该标签的"),
    "expl_output_probability": ("probability", "概率"),
    "expl_output_logit": ("logit (score before the sigmoid or softmax)", "logit（sigmoid 或 softmax 之前的分数）"),
    "expl_steps": ("Integrated Gradients steps", "积分梯度的步数"),
    "expl_words": ("Sum pieces into words", "把词元片段合并成词"),
    "expl_more": ("Increase steps and explain again", "增加步数并重新解释"),
    "expl_highlight": ("Each token's contribution", "每个词元的贡献"),
    "expl_bars": ("Attribution per token", "每个词元的归因值"),
    "expl_h_attention": ("### Attention beside attribution", "### 注意力与归因对照"),
    "expl_attention_plot": ("Attribution and attention from [CLS]", "归因与 [CLS] 的注意力"),
    "expl_h_heads": ("### Switch heads off", "### 关掉注意力头"),
    "expl_heads": ("Heads switched off (L = layer, H = head)", "被关掉的注意力头（L = 层，H = 头）"),
    "expl_heads_hint": ("Run Explain first: the grid then shows this classifier's layers and heads.",
                        "请先点“解释”：之后这里会显示这个分类器的各层和各个注意力头。"),
    "expl_ablation": ("Switched-off heads output", "被关掉的头输出"),
    "expl_mode_zero": ("zero (removed)", "零（直接去掉）"),
    "expl_mode_mean": ("their mean over reference sentences", "它在参考句子上的平均输出"),
    "expl_mode_zero_short": ("zero ablation", "置零消融"),
    "expl_mode_mean_short": ("mean ablation", "均值消融"),
    "expl_table": ("Every label, before and after", "每个标签：关掉之前与之后"),
    "expl_scan": ("Scan: switch each head off alone", "扫描：逐个单独关掉每个头"),
    "expl_scan_plot": ("Which heads matter for this sentence", "哪些头对这句话重要"),
    "expl_json": ("The numbers (as `python app.py explain --json` prints them)",
                  "具体数字（与 `python app.py explain --json` 的输出相同）"),
    "expl_col_label": ("label", "标签"),
    "expl_col_before": ("before", "之前"),
    "expl_col_after": ("after", "之后"),
    "expl_col_change": ("change", "变化"),
    # what is explained, and IG's check
    "expl_summary": ("Explaining **{label}**: {what} = {value:.4f}. Method: {method}.",
                     "正在解释 **{label}**：{what} = {value:.4f}。方法：{method}。"),
    "expl_what_sigmoid": ("its sigmoid probability (multi-label: every label has its own)",
                          "它的 sigmoid 概率（多标签：每个标签各有一个）"),
    "expl_what_softmax": ("its softmax probability (single-label)", "它的 softmax 概率（单标签）"),
    "expl_what_logit": ("its logit", "它的 logit"),
    "expl_what_score": ("its score (regression)", "它的分数（回归）"),
    "expl_ig_steps": ("Integrated Gradients, {steps} steps", "积分梯度，{steps} 步"),
    "expl_extremes": ("Pushes it up most: {up}. Pushes it down most: {down}.",
                      "往上推得最多：{up}。往下拉得最多：{down}。"),
    "expl_nothing": ("nothing", "无"),
    "expl_complete": (
        "**Completeness check.** f(text) = {value:.4f}, f(baseline: the words replaced by [PAD]) = {base:.4f}. The "
        "attributions add up to {total:.4f}; f(text) − f(baseline) = {delta:.4f}. Gap: {gap:.2%}.",
        "**完整性检验。** f(文本) = {value:.4f}，f(基线：词全部换成 [PAD]) = {base:.4f}。所有归因值加起来是 "
        "{total:.4f}；f(文本) − f(基线) = {delta:.4f}。差距：{gap:.2%}。"),
    "expl_complete_ok": ("Within 5%: {steps} steps approximate the integral well.",
                         "在 5% 以内：{steps} 步已经能很好地近似这个积分。"),
    "expl_complete_bad": ("Over 5%: **increase steps** (now {steps}; try {more}).",
                          "超过 5%：**请增加步数**（现在是 {steps} 步；试试 {more} 步）。"),
    "expl_complete_max": ("Over 5% even at {steps} steps: the path is unusually curved for this sentence.",
                          "即使用 {steps} 步仍超过 5%：这句话的积分路径弯曲得异常厉害。"),
    "expl_complete_none": ("f(text) equals f(baseline): there is nothing to attribute, so the gap is undefined.",
                           "f(文本) 等于 f(基线)：没有可以分配的变化，差距无法定义。"),
    "expl_gxi_check": (
        "**Gradient × input** multiplies each word embedding by its gradient: one straight step from an all-zero "
        "embedding (f = {base:.4f}) to the text (f = {value:.4f}). Its attributions add up to {total:.4f} against a "
        "change of {delta:.4f}: it is not built to be complete. Integrated Gradients takes many small steps and "
        "closes that gap.",
        "**梯度 × 输入** 把每个词嵌入乘以它的梯度：从全零嵌入（f = {base:.4f}）一步直接走到文本（f = {value:.4f}）。"
        "它的归因值加起来是 {total:.4f}，而实际变化是 {delta:.4f}：这个方法本来就不保证完整。积分梯度走很多小步，"
        "可以消除这个差距。"),
    "expl_words_zh": (
        "BERT's tokenizer gives Chinese no word segmentation: it reads one character at a time, so each 'word' "
        "here is a single character.",
        "BERT 的分词器不会对中文分词：它一次读一个字，所以这里的每个“词”都只是一个字。"),
    "expl_session": ("This browser's own classifier (trained in the Fine-tuning tab) is explained.",
                     "正在解释本浏览器自己的分类器（在“微调”标签页中训练）。"),
    "expl_legend_up": ("red: pushes the label up", "红色：把标签往上推"),
    "expl_legend_down": ("blue: pushes it down", "蓝色：把标签往下拉"),
    # attention beside attribution
    "expl_attn_rho": (
        "Spearman rank correlation with |attribution| over the sentence's {n} tokens ([CLS] and [SEP] left out): "
        "attention rollout from [CLS] ρ = {rollout}; last layer's mean attention from [CLS] ρ = {last}.",
        "在句子的 {n} 个词元上（不含 [CLS] 和 [SEP]）与 |归因值| 的斯皮尔曼等级相关："
        "[CLS] 的注意力展开（rollout）ρ = {rollout}；最后一层各头平均的 [CLS] 注意力 ρ = {last}。"),
    "expl_attn_na": ("undefined (too few tokens, or all equal)", "无法计算（词元太少或全部相等）"),
    "expl_attn_why": (
        "Attention is not an explanation by itself: it shows where [CLS] looks, not what moves the label; other "
        "attention patterns can give the same prediction, and attention often ranks tokens differently from "
        "gradient-based importance (Jain & Wallace 2019), though it can still be informative when tested "
        "(Wiegreffe & Pinter 2019).",
        "注意力本身并不是解释：它显示 [CLS] 在看哪里，而不是什么改变了标签；换一种注意力分布也可能得到同样的预测，"
        "而且注意力对词元的排序常常与基于梯度的重要性不同（Jain & Wallace 2019），不过经过检验后它仍可能提供信息"
        "（Wiegreffe & Pinter 2019）。"),
    # switching heads off
    "expl_ablation_none": ("All heads are on: tick heads in the grid to switch them off.",
                           "所有注意力头都开着：在网格中勾选注意力头即可关掉它们。"),
    "expl_ablation_off": (
        "{n} head(s) switched off ({mode}): {heads}. **{label}**: {before:.4f} → {after:.4f}.",
        "关掉了 {n} 个注意力头（{mode}）：{heads}。**{label}**：{before:.4f} → {after:.4f}。"),
    "expl_ablation_moved": ("The label that moved most: {moved} {moved_before:.4f} → {moved_after:.4f}.",
                            "变化最大的标签：{moved}：{moved_before:.4f} → {moved_after:.4f}。"),
    "expl_scan_note": (
        "{n} heads, each switched off alone ({mode}), {rows} rows in batched passes. Switching off {best} lowers "
        "**{label}** the most ({low:+.4f}); switching off {worst} raises it the most ({high:+.4f}).",
        "共 {n} 个注意力头，每次单独关掉一个（{mode}），分批计算 {rows} 行。关掉 {best} 让 **{label}** 下降最多"
        "（{low:+.4f}）；关掉 {worst} 让它上升最多（{high:+.4f}）。"),
    # figures
    "expl_fig_attr_title": ("Contribution to “{label}” ({what}), {method}", "对“{label}”（{what}）的贡献，{method}"),
    "expl_fig_attribution": ("attribution", "归因值"),
    "expl_fig_abs_attribution": ("|attribution|", "|归因值|"),
    "expl_fig_probability": ("probability", "概率"),
    "expl_fig_logit": ("logit", "logit"),
    "expl_fig_token": ("token", "词元"),
    "expl_fig_word": ("word", "词"),
    "expl_fig_attn_title": ("Attribution to “{label}” beside attention from [CLS] (each sums to 1)",
                            "对“{label}”的归因与 [CLS] 的注意力对照（各自总和为 1）"),
    "expl_fig_rollout": ("attention rollout", "注意力展开"),
    "expl_fig_last": ("last layer, mean of heads", "最后一层，各头平均"),
    "expl_fig_share": ("share", "占比"),
    "expl_fig_scan_title": ("Change in “{label}” ({what}) when each head alone is switched off",
                            "单独关掉每个注意力头时“{label}”（{what}）的变化"),
    "expl_fig_layer": ("layer", "层"),
    "expl_fig_head": ("head", "头"),
    "expl_fig_change": ("change", "变化"),
    # problems a student (or a script) can fix
    "expl_truncated": (
        "The text has {full} tokens; this classifier reads only the first {shown} (as it was trained), so the "
        "explanation covers those {shown} tokens.",
        "这段文字有 {full} 个词元；这个分类器只读取前 {shown} 个（与训练时相同），所以解释只涉及这 {shown} 个词元。"),
    "expl_no_head": ("{model} has no classification head: choose a classifier.",
                     "{model} 没有分类头：请选择一个分类器。"),
    "expl_needs_chinese": (
        "This text is Chinese, but this classifier is built on {base}, whose vocabulary has no Chinese characters: "
        "it would see only [UNK]. Explain a classifier trained on bert-base-chinese (get it with `python app.py "
        "prefetch bert-base-chinese` where there is internet, or set HF_ENDPOINT to a Hub mirror).",
        "这段文字是中文，但这个分类器建立在 {base} 上，它的词表里没有汉字，只会看到 [UNK]。请解释一个在 "
        "bert-base-chinese 上训练的分类器（在能上网的地方用 `python app.py prefetch bert-base-chinese` 获取，"
        "或把 HF_ENDPOINT 设为 Hub 镜像）。"),
    "expl_unknown_label": ("This classifier has no label '{label}'. Its labels are: {labels}.",
                           "这个分类器没有标签“{label}”。它的标签有：{labels}。"),
    "expl_unknown_method": ("Unknown method '{method}'. Choose one of: {choices}.",
                            "未知方法“{method}”。请从以下方法中选择：{choices}。"),
    "expl_unknown_output": ("Unknown output '{output}'. Choose one of: {choices}.",
                            "未知输出“{output}”。请从以下输出中选择：{choices}。"),
    "expl_unknown_mode": ("Unknown ablation '{mode}'. Choose one of: {choices}.",
                          "未知的消融方式“{mode}”。请从以下方式中选择：{choices}。"),
    "expl_steps_range": ("The number of steps must be a whole number from 1 to {limit} (got {steps}).",
                         "步数必须是 1 到 {limit} 之间的整数（收到的是 {steps}）。"),
    "expl_bad_head": ("'{name}' is not a head of this classifier: write L<layer>H<head>, with layers 1 to {layers} "
                      "and heads 1 to {heads} (for example L1H1).",
                      "“{name}”不是这个分类器的注意力头：请写成 L<层>H<头>，层为 1 到 {layers}，头为 1 到 {heads}"
                      "（例如 L1H1）。"),
})
