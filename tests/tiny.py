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


SENTENCES = ["the bank raised interest rates", "we sat on the river bank", "she opened an account at the bank",
             "the fish swam near the muddy shore", "thank you so much for the flowers", "I love my new phone",
             "he walked along the river", "they play a match in the park", "light the fire near the rock"]


def make_tiny_classifier(folder: Path, arch: str, *, num_labels: int = 3, problem_type: str | None = None,
                         seed: int = 0) -> Path:
    """A random *ForSequenceClassification of architecture ``arch`` ("bert", "distilbert" or "roberta"),
    saved with its tokenizer (RoBERTa: a byte-level BPE trained here on a few sentences)."""
    from transformers import (
        BertForSequenceClassification,
        DistilBertConfig,
        DistilBertForSequenceClassification,
        RobertaConfig,
        RobertaForSequenceClassification,
        RobertaTokenizerFast,
    )

    folder.mkdir(parents=True, exist_ok=True)
    labels = {i: f"label_{i}" for i in range(num_labels)}
    common = dict(num_labels=num_labels, id2label=labels, label2id={v: k for k, v in labels.items()},
                  problem_type=problem_type)
    torch.manual_seed(seed)
    if arch == "roberta":
        from tokenizers import ByteLevelBPETokenizer

        bpe = ByteLevelBPETokenizer()
        bpe.train_from_iterator(SENTENCES * 3, vocab_size=300, min_frequency=1,
                                special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
        bpe.save_model(str(folder))
        merges = [tuple(line.split()) for line in (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
                  if line and not line.startswith("#")]
        tokenizer = RobertaTokenizerFast(vocab=bpe.get_vocab(), merges=merges)
        tokenizer.model_max_length = 62
        config = RobertaConfig(vocab_size=len(tokenizer.get_vocab()), type_vocab_size=1, hidden_size=32,
                               num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=64, max_position_embeddings=64, pad_token_id=tokenizer.pad_token_id,
                               bos_token_id=0, eos_token_id=2, hidden_dropout_prob=0.0,
                               attention_probs_dropout_prob=0.0, **common)
        model = RobertaForSequenceClassification(config)
    else:
        vocab = write_vocab(folder, ENGLISH)
        tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True)
        if arch == "distilbert":
            config = DistilBertConfig(vocab_size=len(tokenizer), dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                                      max_position_embeddings=64, dropout=0.0, attention_dropout=0.0,
                                      seq_classif_dropout=0.0, **common)
            model = DistilBertForSequenceClassification(config)
        else:
            config = BertConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=32, num_hidden_layers=2,
                                num_attention_heads=4, intermediate_size=64, max_position_embeddings=64,
                                hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **common)
            model = BertForSequenceClassification(config)
        tokenizer.model_max_length = 64
    model.eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
