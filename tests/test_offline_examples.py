"""A classroom offline with minilm alone is offered no built-in example it cannot read: Chinese examples
and sets appear once a model that reads Chinese is on the machine (the control: with one, they are there)."""

from __future__ import annotations

import gradio as gr

from components.core.analysis import is_chinese
from components.core.models import reads_chinese
from components.core.services import AppConfig, Services
from components.ui.shell import build_demo


def offered(demo: gr.Blocks) -> list[str]:
    """Every cell of every example table and every choice of the Polysemy set menu."""
    cells = [str(cell) for block in demo.blocks.values() if isinstance(block, gr.Dataset)
             for sample in block.samples for cell in sample]
    menu = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "polysemy-set")
    return cells + [str(value) for _, value in menu.choices]


def test_reads_chinese_without_loading_a_model(tiny_en_dir, tiny_zh_dir):
    assert reads_chinese(str(tiny_zh_dir)) and not reads_chinese(str(tiny_en_dir))
    assert reads_chinese("bert-base-chinese") and not reads_chinese("minilm")


def test_minilm_alone_offers_no_chinese_example_and_a_chinese_model_brings_them_back(tiny_zh_dir):
    alone = offered(build_demo(Services(AppConfig(models=("minilm", "bert-base-chinese"), warm_up=False))))
    assert alone and not [cell for cell in alone if is_chinese(cell)]  # bert-base-chinese is not downloaded here
    assert "pingguo" not in alone and "bank" in alone
    with_zh = offered(build_demo(Services(AppConfig(models=("minilm", str(tiny_zh_dir)), warm_up=False))))
    assert [cell for cell in with_zh if is_chinese(cell)] and "pingguo" in with_zh
