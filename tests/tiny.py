"""Tiny random BERT models built in code (no download), for tests of logic, not of behaviour.

Two vocabularies: an English WordPiece one (with ## continuations and accents stripped by the
uncased tokenizer) and a Chinese character one holding 苹 果 银 行, so every code path that
depends on the vocabulary runs without the Hub.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import BertConfig, BertModel, BertTokenizer

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ENGLISH = SPECIALS + """
the a an of to and in on at by for with from is was are were be been it this that he she they we you i
bank banks river money loan loans water raised interest rates rate deposit fish boat shore muddy
spring plant match light rock play date current cell key club court park present cafe cafes naive
sat sit walked walk along opened account my our his her their near by . , ! ? ' " - ( ) : ;
tea tree water flower factory power game fire stone music coffee apple phone
##s ##ed ##ing ##er ##ly ##e ##a ##n ##t ##ness ##ful ##est ##r
""".split()
CHINESE = SPECIALS + list("苹果银行我们他她你是的了在很有吃买个一新手机公司水果甜红色发布")
CHINESE += list("河岸边钱存款利率人走路不中国学生老师，。！？、") + [
    "a", "b", "the", "bank",
]


def write_vocab(folder: Path, tokens: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    seen = list(dict.fromkeys(tokens))
    (folder / "vocab.txt").write_text("\n".join(seen) + "\n", encoding="utf-8")
    return folder / "vocab.txt"


def make_tiny_bert(folder: Path, tokens: list[str], *, seed: int = 0, layers: int = 2, heads: int = 4,
                   hidden: int = 32, max_positions: int = 64) -> Path:
    """Save a random BERT (eager attention) and its fast tokenizer to ``folder``; return it."""
    vocab = write_vocab(folder, tokens)
    tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
    tokenizer.model_max_length = max_positions
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(tokenizer.get_vocab()), hidden_size=hidden, num_hidden_layers=layers,
        num_attention_heads=heads, intermediate_size=hidden * 2, max_position_embeddings=max_positions,
        type_vocab_size=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )
    model = BertModel(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
