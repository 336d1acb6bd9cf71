"""Tiny random BERTs *with* pre-training heads, for the Pre-training lesson's tests.

``tests/tiny.py`` saves encoders only (``BertModel``); here the same vocabularies, plus the
words of this lesson's examples, are saved as ``BertForPreTraining`` (masked-LM and NSP heads)
or ``BertForMaskedLM`` (masked-LM only), exactly as a Hub checkpoint with heads would be.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertForMaskedLM, BertForPreTraining, BertTokenizer

from tests.tiny import CHINESE, ENGLISH, write_vocab

# the words and characters of the lesson's built-in examples, so the tiny models read them (and one word the
# classroom filter hides, so the filter can be tested on a real vocabulary)
ENGLISH_PT = ENGLISH + """
man woman worked as drink milk sugar capital france paris hummingbird hum ##ming ##bird flower drank sun rose over
hills sky grew brighter forgot umbrella morning noon soaking wet swim library closes six cat sleeps all day train late
again apples grow trees played football after school job nurse doctor teacher crap
""".split()
CHINESE_PT = CHINESE + list("喜欢花首都北京太阳升起天空变亮鱼儿游图书馆六点关门")
CHINESE_PT += list("猫整天睡觉火车又晚放踢足球工作忘带伞下午全身湿")


def make_tiny_pretraining(folder: Path, tokens: list[str], *, seed: int = 0, kind=BertForPreTraining) -> Path:
    """Save a random BERT with heads (``BertForPreTraining`` or ``BertForMaskedLM``) and its tokenizer."""
    vocab = write_vocab(folder, tokens)
    tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
    tokenizer.model_max_length = 64
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    kind(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def empty_hf_cache(tmp_path_factory):
    """The Hugging Face cache pointed at an empty folder: no test depends on what this machine has cached."""
    import huggingface_hub.constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path_factory.mktemp("hf-cache")))
        yield Path(huggingface_hub.constants.HF_HUB_CACHE)


@pytest.fixture(scope="session")
def pt_en_dir(tmp_path_factory) -> Path:
    return make_tiny_pretraining(tmp_path_factory.mktemp("pt-en"), ENGLISH_PT, seed=11)


@pytest.fixture(scope="session")
def pt_zh_dir(tmp_path_factory) -> Path:
    return make_tiny_pretraining(tmp_path_factory.mktemp("pt-zh"), CHINESE_PT, seed=12)


@pytest.fixture(scope="session")
def mlm_only_dir(tmp_path_factory) -> Path:
    return make_tiny_pretraining(tmp_path_factory.mktemp("mlm-en"), ENGLISH_PT, seed=13, kind=BertForMaskedLM)


@contextlib.contextmanager
def serve_app(models: tuple[str, ...]):
    """The real app with these models (the first is the default), in-process on a free loopback port."""
    from components.core.services import AppConfig
    from components.ui.serving import serve

    with serve(AppConfig(models=models, default_model=models[0], warm_up=False, concurrency=2)) as demo:
        yield demo


@pytest.fixture(scope="module")
def pt_app(empty_hf_cache, pt_en_dir, pt_zh_dir):
    """minilm (the default, no heads) and a tiny English and Chinese BERT with heads."""
    with serve_app(("minilm", str(pt_en_dir), str(pt_zh_dir))) as demo:
        yield demo


@pytest.fixture(scope="module")
def pt_client(pt_app):
    from gradio_client import Client

    return Client(pt_app.local_url, verbose=False)
