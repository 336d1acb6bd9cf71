"""Every text of the Attention lesson, in English and 简体中文."""

from components.core.messages import register

register({
    "tab_attention": ("Attention", "注意力"),
    "attn_intro": (
        "Each layer of BERT has several **attention heads**; each head decides, for every token, how much to look "
        "at every other token (each row of weights sums to 1). **Rollout** follows attention through all layers, "
        "residual connections included, to show which *input* tokens a token finally draws on.",
        "BERT 的每一层有多个 **注意力头**；每个头为每个词元决定要关注其他每个词元多少（每行权重之和为 1）。"
        "**注意力展开** (rollout) 沿着所有层（包括残差连接）追踪注意力，显示一个词元最终取材于哪些*输入*词元。"),
    "attn_layer": ("Layer", "层"),
    "attn_head": ("Head", "注意力头"),
    "attn_view": ("View", "视图"),
    "attn_view_head": ("one head", "单个注意力头"),
    "attn_view_mean": ("mean of the layer's heads", "该层所有头的平均"),
    "attn_view_grid": ("all heads of the layer", "该层的全部注意力头"),
    "attn_view_rollout": ("rollout up to the layer", "到该层为止的注意力展开"),
    "attn_hide_special": ("Hide [CLS] and [SEP]", "隐藏 [CLS] 和 [SEP]"),
    "attn_hide_punct": ("Hide punctuation", "隐藏标点符号"),
    "attn_run": ("Show attention", "显示注意力"),
    "attn_plot": ("Attention heatmap (rows: attending token, columns: attended token)",
                  "注意力热力图（行：发出注意的词元，列：被注意的词元）"),
    "attn_bertviz": ("bertviz head view and model view (runs offline, inside a sandbox)",
                     "bertviz 头视图和模型视图（离线运行，在沙箱中）"),
    "attn_download_html": ("Download the bertviz views (HTML, works offline)", "下载 bertviz 视图（HTML，可离线打开）"),
    # notes
    "attn_note_head": ("Layer {layer}, head {head}: each row is one token's attention over all tokens (rows sum to 1).",
                       "第 {layer} 层，第 {head} 个头：每一行是一个词元对所有词元的注意力（每行之和为 1）。"),
    "attn_note_mean": ("Layer {layer}, mean of all heads: each row sums to 1.",
                       "第 {layer} 层，所有头的平均：每行之和为 1。"),
    "attn_note_grid": ("Layer {layer}, every head: each small map is one head; rows sum to 1.",
                       "第 {layer} 层，每个头：每张小图是一个头；每行之和为 1。"),
    "attn_note_rollout": (
        "Attention rollout up to layer {layer}: the residual is added as the identity, rows are renormalised and "
        "the layers are multiplied, so each row shows which *input* tokens that token finally draws on.",
        "到第 {layer} 层为止的注意力展开：把残差连接当作单位矩阵加进来，每行重新归一化，再逐层相乘，"
        "因此每一行显示该词元最终取材于哪些*输入*词元。"),
    "attn_note_hidden": (
        "Hidden: {hidden}. Their rows and columns are removed and every remaining row is renormalised to sum to 1, "
        "so the weights are shares of the attention that went to the tokens still shown, not the model's raw weights.",
        "已隐藏：{hidden}。它们的行和列被移除，剩下的每一行重新归一化为 1，所以这些权重是分给仍显示的词元的注意力"
        "所占的比例，而不是模型的原始权重。"),
    "attn_note_with_hidden": ("{shown} {hidden}", "{shown}{hidden}"),
    "attn_hidden_special": ("[CLS]/[SEP]", "[CLS]/[SEP]"),
    "attn_hidden_punct": ("punctuation", "标点符号"),
    "attn_note_clamped": ("(This model has {layers} layers and {heads} heads, so layer {layer}, head {head} is shown.)",
                          "（这个模型有 {layers} 层、{heads} 个头，因此显示第 {layer} 层、第 {head} 个头。）"),
    "attn_note_binned": (
        "{n} tokens are too many to draw every cell of every head: each cell of the small maps is the mean of a "
        "block of {size} x {size} tokens.",
        "{n} 个词元太多，无法画出每个头的每个格子：小图中的每个格子是 {size} x {size} 个词元方块的平均值。"),
    "attn_nothing_left": ("Nothing is left to show after hiding [CLS]/[SEP] and punctuation: untick 'hide' or type "
                          "a sentence with words.",
                          "隐藏 [CLS]/[SEP] 和标点符号后什么都不剩了：请取消“隐藏”，或输入一个有文字的句子。"),
    "attn_no_layer": ("Layer {layer} does not exist: this model has layers 0 to {last}.",
                      "第 {layer} 层不存在：这个模型的层编号是 0 到 {last}。"),
    "attn_no_head": ("Head {head} does not exist: this model has heads 0 to {last}.",
                     "第 {head} 个头不存在：这个模型的头编号是 0 到 {last}。"),
    "attn_unknown_view": ("Unknown view '{view}'. Choose one of: {views}.",
                          "未知视图“{view}”。请从以下视图中选择：{views}。"),
    # figures
    "attn_title_head": ("{model}: layer {layer}, head {head}", "{model}：第 {layer} 层，第 {head} 个头"),
    "attn_title_mean": ("{model}: layer {layer}, mean of {heads} heads", "{model}：第 {layer} 层，{heads} 个头的平均"),
    "attn_title_grid": ("{model}: layer {layer}, all {heads} heads", "{model}：第 {layer} 层，全部 {heads} 个头"),
    "attn_title_rollout": ("{model}: attention rollout, layers 0–{layer}", "{model}：注意力展开，第 0–{layer} 层"),
    "attn_axis_to": ("to (attended token)", "到（被注意的词元）"),
    "attn_axis_from": ("from (attending token)", "从（发出注意的词元）"),
    "attn_axis_to_input": ("to (input token)", "到（输入词元）"),
    "attn_axis_from_short": ("from", "从"),
    "attn_axis_share": ("share", "比例"),
    "attn_weight": ("weight", "权重"),
    "attn_hover_from": ("from", "从"),
    "attn_hover_to": ("to", "到"),
    "attn_head_n": ("head {head}", "第 {head} 个头"),
    "attn_sentence_a": ("sentence A", "句子 A"),
    "attn_sentence_b": ("sentence B", "句子 B"),
    "attn_draws_on": ("{token} draws on", "{token} 取材于"),
    "attn_rows_draw_on": ("each token draws on (rows sum to 1)", "每个词元取材于（每行之和为 1）"),
    # bertviz
    "bv_head_title": ("bertviz head view", "bertviz 头视图"),
    "bv_head_hint": (
        "Lines join each token (left) to the tokens it attends to (right); one colour per head. Hover a token to "
        "isolate it; click a colour square to toggle a head, double-click to show only that head.",
        "连线把每个词元（左）和它关注的词元（右）连起来；每个头一种颜色。把鼠标移到词元上可单独查看它；"
        "单击色块可开关一个头，双击则只显示这个头。"),
    "bv_model_title": ("bertviz model view", "bertviz 模型视图"),
    "bv_model_hint": ("Every head of every layer as a thumbnail; click one to enlarge it.",
                      "每一层的每个头都是一张缩略图；单击可放大。"),
    "bv_layer": ("Layer:", "层："),
    "bv_attention": ("Attention:", "注意力："),
    "bv_filter_all": ("All", "全部"),
    "bv_filter_aa": ("Sentence A -> Sentence A", "句子 A -> 句子 A"),
    "bv_filter_bb": ("Sentence B -> Sentence B", "句子 B -> 句子 B"),
    "bv_filter_ab": ("Sentence A -> Sentence B", "句子 A -> 句子 B"),
    "bv_filter_ba": ("Sentence B -> Sentence A", "句子 B -> 句子 A"),
    "bv_frame_title": ("bertviz head view and model view", "bertviz 头视图和模型视图"),
    "bv_notice_layers": ("To keep the page light, the bertviz views include layers {first}–{last} of {n}; move the "
                         "layer slider to see others.",
                         "为了让页面轻便，bertviz 视图只包含第 {first}–{last} "
                         "层（共 {n} 层）；移动层滑块可查看其他层。"),
    "bv_notice_tokens": ("To keep the page light, the bertviz views show layer {layer} and the first {kept} of {n} "
                         "tokens (rows renormalised); the heatmap above shows them all.",
                         "为了让页面轻便，bertviz 视图只显示第 {layer} 层和 "
                         "{n} 个词元中的前 {kept} 个（每行重新归一化）；"
                         "上面的热力图显示全部词元。"),
    "bv_missing": ("The bertviz views need the Python package providing {name}: pip install -r requirements.txt "
                   "(bertviz, XStatic-D3, XStatic-jQuery).",
                   "bertviz 视图需要提供 {name} 的 Python 包：pip install -r requirements.txt（bertviz、XStatic-D3、"
                   "XStatic-jQuery）。"),
})
