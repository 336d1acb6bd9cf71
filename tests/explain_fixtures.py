"""Tiny random sequence classifiers of every admitted architecture, built in code for the Explain tests.

BERT and DistilBERT read the English WordPiece (or Chinese character) vocabulary of tests/tiny.py;
RoBERTa gets a byte-level BPE trained here with the tokenizers library on a few sentences, so no
tokenizer is downloaded. Labels are GoEmotions names, so the Chinese label names show too.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
    RobertaTokenizerFast,
)

from tests.tiny import ENGLISH, write_vocab

LABELS = ("gratitude", "joy", "sadness")
ROBERTA_CORPUS = [
    "the bank raised interest rates", "we sat on the river bank", "thank you so much for the tea",
    "i love the music and the park", "the coffee was cold and the game was long", "my phone fell in the water",
    "she walked along the shore with her fish", "they opened an account at the bank near the cafe",
]


def _labels(config, problem_type: str | None) -> None:
    config.num_labels = len(LABELS)
    config.id2label = dict(enumerate(LABELS))
    config.label2id = {name: i for i, name in enumerate(LABELS)}
    config.problem_type = problem_type


def roberta_tokenizer(folder: Path) -> RobertaTokenizerFast:
    """A byte-level BPE (RoBERTa's kind of tokenizer) trained on ROBERTA_CORPUS."""
    from tokenizers import ByteLevelBPETokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(ROBERTA_CORPUS, vocab_size=400, min_frequency=1, special_tokens=specials,
                            show_progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    bpe.save_model(str(folder))
    merges = [tuple(line.split()) for line in (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
    tokenizer = RobertaTokenizerFast(vocab=bpe.get_vocab(), merges=merges)
    tokenizer.model_max_length = 62
    return tokenizer


def make_tiny_classifier(folder: Path, arch: str = "bert", *, tokens: list[str] | None = None,
                         problem_type: str | None = "multi_label_classification", seed: int = 0,
                         layers: int = 2, heads: int = 4, hidden: int = 32, init: float = 0.2) -> Path:
    """Save a random ``*ForSequenceClassification`` with its tokenizer; return the folder.

    ``init`` (the weights' standard deviation) is ten times BERT's, so that switching a head off or
    deleting a token visibly moves the scores of these untrained models."""
    torch.manual_seed(seed)
    common = dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, initializer_range=init)
    if arch == "roberta":
        tokenizer = roberta_tokenizer(folder)
        config = RobertaConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=hidden, num_hidden_layers=layers,
                               num_attention_heads=heads, intermediate_size=2 * hidden, max_position_embeddings=64,
                               pad_token_id=tokenizer.pad_token_id, bos_token_id=0, eos_token_id=2, type_vocab_size=1,
                               **common)
        _labels(config, problem_type)
        model = RobertaForSequenceClassification(config)
    else:
        vocab = write_vocab(folder, tokens or ENGLISH)
        tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
        tokenizer.model_max_length = 64
        if arch == "distilbert":
            config = DistilBertConfig(vocab_size=len(tokenizer.get_vocab()), dim=hidden, n_layers=layers, n_heads=heads,
                                      hidden_dim=2 * hidden, max_position_embeddings=64, dropout=0.0,
                                      attention_dropout=0.0, seq_classif_dropout=0.0,
                                      initializer_range=init)
            _labels(config, problem_type)
            model = DistilBertForSequenceClassification(config)
        else:
            config = BertConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=hidden, num_hidden_layers=layers,
                                num_attention_heads=heads, intermediate_size=2 * hidden, max_position_embeddings=64,
                                **common)
            _labels(config, problem_type)
            model = BertForSequenceClassification(config)
    model.eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
