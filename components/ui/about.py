"""The About tab: what each lesson shows, where the text goes, which models are here."""

from __future__ import annotations

import gradio as gr

from components.core.messages import Msg, register, render
from components.core.models import PRESETS, can_fill_in, model_status

register({
    "about_tab": ("About", "关于"),
    "about_md": (
        "**BERT Lens** shows how BERT reads text.\n\n"
        "- **Predict**: a BERT fine-tuned for 28 emotions gives every label its own probability "
        "(multi-label: several can be true at once).\n"
        "- **Attention**: where each token looks, per layer and head, and attention rollout across layers.\n"
        "- **Tokens**: the WordPiece pieces, [CLS]/[SEP], segment and position embeddings BERT starts from.\n"
        "- **Polysemy**: one word, many meanings: BERT's contextual vectors against a static GloVe vector.\n\n"
        "**Where your text goes.** Text you type is processed on the machine that serves this app: your own "
        "computer when you run it there, the school's server, or, on a Hugging Face Space, Hugging Face's "
        "server. It is not sent anywhere else and not written to disk; recent inputs stay in the server's memory "
        "(so a repeated example answers at once) until it restarts. Files you download are made in the server's "
        "temporary folder and deleted within two hours.",
        "**BERT 透镜** 展示 BERT 如何阅读文本。\n\n"
        "- **预测**：一个针对 28 种情绪微调的 BERT 为每个标签给出独立的概率（多标签：可同时成立多个）。\n"
        "- **注意力**：每个词元在各层、各注意力头中关注哪里，以及跨层的注意力展开（rollout）。\n"
        "- **词元**：BERT 的起点：WordPiece 词元、[CLS]/[SEP]、片段嵌入和位置嵌入。\n"
        "- **多义词**：同一个词的不同含义：BERT 的上下文向量与静态 GloVe 向量对比。\n\n"
        "**你输入的文字去了哪里。** 文字在运行本应用的那台机器上处理：你自己运行时就是你的电脑，也可能是学校的服务器；"
        "在 Hugging Face 的 Space 上则是 Hugging Face "
        "的服务器。文字不会发送到其他地方，也不会写入磁盘；最近的输入会留在"
        "服务器内存中（让重复的示例立即得到结果），直到服务器重启。你下载的文件在服务器的临时文件夹中生成，两小时内删除。"),
    "about_models": ("Models", "模型"),
    "about_col_name": ("name", "名称"),
    "about_col_status": ("status", "状态"),
    "about_col_what": ("what it is", "说明"),
    "about_custom": ("a local directory or Hub id added at start", "启动时添加的本地目录或 Hub 模型"),
})


def models_markdown(models: tuple[str, ...], lang: str = "en") -> str:
    head = [render(Msg(k), lang) for k in ("about_col_name", "about_col_status", "about_col_what")]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---|"]
    for name in models:
        preset = PRESETS.get(name)
        status = render(model_status(name), lang)
        if can_fill_in(name):
            status += ", " + render(Msg("model_can_fill"), lang)
        what = render(Msg(preset.description if preset else "about_custom"), lang)
        lines.append(f"| `{name}` | {status} | {what} |")
    return "\n".join(lines)


def build(ctx) -> gr.Markdown:
    """The About tab's content; returns the models table, which the shell renders per language."""
    gr.Markdown(ctx.i18n("about_md"))
    gr.Markdown(ctx.i18n("about_models"))
    return gr.Markdown(models_markdown(ctx.services.config.models), elem_id="about-models")
