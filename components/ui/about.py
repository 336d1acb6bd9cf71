"""The About tab: what each view shows, which model is loaded, and where to read more."""

from __future__ import annotations

import gradio as gr

from components.core.models import PRESETS, model_status
from components.core.services import Services

STRINGS = {
    "en": {
        "about_md": (
            "**BERT Lens** shows how BERT reads text.\n\n"
            "- **Predict**: a BERT fine-tuned for 28 emotions gives every label its own probability "
            "(multi-label: several can be true at once).\n"
            "- **Attention**: where each token looks, per layer and head, and attention rollout across layers.\n"
            "- **Tokens**: the WordPiece pieces, [CLS]/[SEP], segment and position embeddings BERT starts from.\n"
            "- **Polysemy**: one word, many meanings: BERT's contextual vectors against a static GloVe vector.\n\n"
            "Everything runs on this computer; no text you type leaves it."
        ),
        "about_models": "Models",
    },
    "zh": {
        "about_md": (
            "**BERT 透镜** 展示 BERT 如何阅读文本。\n\n"
            "- **预测**：一个针对 28 种情绪微调的 BERT 为每个标签给出独立的概率（多标签：可同时成立多个）。\n"
            "- **注意力**：每个词元在各层、各注意力头中关注哪里，以及跨层的注意力汇总（rollout）。\n"
            "- **词元**：BERT 的起点：WordPiece 词元、[CLS]/[SEP]、片段嵌入和位置嵌入。\n"
            "- **多义词**：同一个词的不同含义：BERT 的上下文向量与静态 GloVe 向量对比。\n\n"
            "所有计算都在本机完成，你输入的文字不会离开这台电脑。"
        ),
        "about_models": "模型",
    },
}


def models_markdown(services: Services) -> str:
    lines = ["| name | status | what |", "|---|---|---|"]
    for name in services.config.models:
        preset = PRESETS.get(name)
        lines.append(f"| `{name}` | {model_status(name)} | {preset.description if preset else 'custom'} |")
    return "\n".join(lines)


def build_about_tab(services: Services, i18n: gr.I18n) -> None:
    gr.Markdown(i18n("about_md"))
    gr.Markdown(i18n("about_models"))
    table = gr.Markdown(models_markdown(services))
    gr.Button("↻", size="sm").click(lambda: models_markdown(services), None, table, api_name=False)
