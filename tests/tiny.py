"""The tests' one helpers module (fixtures live in tests/conftest.py, and only there): tiny random models and toy
data built in code, where the real data is, the hostile inputs every endpoint is tried with, and how a test names
a message: ``raises_key`` for an error, ``shows``/``said`` for a note or a toast an app-level test reads.

Design decision: a test names a message by its key (and the parameters it knows), never by its English wording,
so rewording a message in a texts.toml breaks no test. Models are built, never downloaded: an English WordPiece
vocabulary (## continuations, accents stripped by the uncased tokenizer) and a Chinese character one holding
苹 果 银 行, so every code path that depends on the vocabulary runs without the Hub.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import string
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel, BertTokenizer

from components.core.messages import LANGS, Msg, UserError, all_messages
from components.core.text import MAX_CHARS

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"  # ../shared/data beside the repo (or beside a worktree)
GOEMOTIONS = SHARED_DATA / "goemotions"

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
MARKUP = ["<", ">", "/", "b", "img", "src", "=", "x"]  # so injection payloads survive tokenization
# the words of the Pre-training lesson's built-in examples, so the tiny models with heads read them (and one word
# the classroom filter hides, so the filter can be tested on a real vocabulary)
ENGLISH_PT = ENGLISH + """
man woman worked as drink milk sugar capital france paris hummingbird hum ##ming ##bird flower drank sun rose over
hills sky grew brighter forgot umbrella morning noon soaking wet swim library closes six cat sleeps all day train late
again apples grow trees played football after school job nurse doctor teacher crap
""".split()
CHINESE_PT = CHINESE + list("喜欢花首都北京太阳升起天空变亮鱼儿游图书馆六点关门")
CHINESE_PT += list("猫整天睡觉火车又晚放踢足球工作忘带伞下午全身湿")

SENTENCES = ["the bank raised interest rates", "we sat on the river bank", "she opened an account at the bank",
             "the fish swam near the muddy shore", "thank you so much for the flowers", "I love my new phone",
             "he walked along the river", "they play a match in the park", "light the fire near the rock"]
LABELS = ("gratitude", "joy", "sadness")  # GoEmotions names, so the Chinese label names show too
ROBERTA_CORPUS = [
    "the bank raised interest rates", "we sat on the river bank", "thank you so much for the tea",
    "i love the music and the park", "the coffee was cold and the game was long", "my phone fell in the water",
    "she walked along the shore with her fish", "they opened an account at the bank near the cafe",
]


@contextlib.contextmanager
def raises_key(key: str, /, *, cls: type[UserError] = UserError, **params: object) -> Iterator:
    """``pytest.raises`` for this project's errors: the block raises ``cls`` carrying the message ``key`` and,
    for each parameter given here, that value (``==``). Yields pytest's ExceptionInfo for further checks."""
    with pytest.raises(cls) as info:
        yield info
    msg = info.value.msg
    assert msg.key == key, f"message {msg.key!r} ({info.value}), expected {key!r}"
    for name, value in params.items():
        assert name in msg.params and msg.params[name] == value, f"{key}: {name}={msg.params.get(name)!r} not {value!r}"


def shows(message: Msg | str, text: str, lang: str = "en") -> bool:
    """Whether ``text`` (a note, a toast, a page's text) holds ``message`` in ``lang``: its template's own words in
    order, each parameter the ``Msg`` gives rendered as the app renders it (a ``Msg`` parameter matched the same
    way), any other one standing for any text. ``message`` may be a bare key. HTML entities are read as characters
    and code as its letters (`x` in Markdown, <code>x</code> in a toast). App-level tests name a message by its key
    this way, never by its English wording, and still check the numbers and names they know."""
    return said(message, text, lang) is not None


def said(message: Msg | str, text: str, lang: str = "en") -> dict[str, str] | None:
    """The parameters of ``message`` that the test did not give, as ``text`` shows them (``{"chosen": "3"}``), or
    None when ``text`` does not hold the message (see ``shows``)."""
    msg = Msg(message) if isinstance(message, str) else message
    found = re.search(_pattern(msg, lang, top=True), re.sub(r"</?code>|`", "", html.unescape(text)), re.S)
    return found.groupdict() if found else None


def _pattern(msg: Msg, lang: str, top: bool = False) -> str:
    pattern, named = "", set()
    for literal, name, spec, conversion in string.Formatter().parse(all_messages()[msg.key][LANGS.index(lang)]):
        pattern += re.escape(literal.replace("`", ""))
        if name is None:
            continue
        if name not in msg.params:  # any text; the top message's own parameters are captured by name
            if not (top and name.isidentifier()):
                pattern += ".*?"
            else:
                pattern += f"(?P={name})" if name in named else f"(?P<{name}>.*?)"
                named.add(name)
            continue
        value = msg.params[name]
        if isinstance(value, Msg):
            pattern += _pattern(value, lang)
            continue
        if isinstance(value, (list, tuple)):
            value = ("、" if lang == "zh" else ", ").join(map(str, value))
        one = "{0" + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        pattern += re.escape(one.format(value).replace("`", ""))
    return pattern


# --- hostile input: what a class may type into any text box ----------------------------------------------------

LONG = "bank " * MAX_CHARS  # five times the limit (100,000 characters)
HOSTILE = {
    "empty": "",
    "whitespace": " \t\n\u3000\u00a0 ",
    "100k": LONG,
    "nul": "the bank\x00by the river",
    "control": "the \x1b[31mbank\x7f\x08 rate",
    "only-control": "\x00\x01\x1b",
    "invisible": "\u200b\u200d\ufeff\ufffd",
    "emoji": "I love my bank 🏦😀👨\u200d👩\u200d👧",
    "rtl": "שלום bank مرحبا بالعالم",
    "mixed-scripts": "bank 银行 Банк مصرف 😀",
    "specials": "[CLS] [SEP] [MASK]",
    "markup": "<img src=x onerror=alert(1)> **bold** `code` $x$",
}
# the message a student sees for each refused input (any other gets a result): nothing to read, or the limit
REFUSED = {"empty": Msg("text_empty"), "whitespace": Msg("text_empty"), "only-control": Msg("text_empty"),
           "invisible": Msg("analysis_nothing_to_read"), "100k": Msg("text_too_long", limit=MAX_CHARS)}


def assert_readable(err) -> str:
    """An app error (gradio_client's AppError) is a readable sentence: no traceback, not the apology the app shows
    for a bug (an unexpected exception), no control characters, short enough to read. Returns its text."""
    message = str(err)
    assert "Traceback" not in message and not shows("core_unexpected", message), message
    assert "\x00" not in message and "\x1b" not in message
    assert len(message) < 800, f"{len(message)} characters is not a readable message"
    assert re.search(r"[A-Za-z]{3,}.*[.!?)`]", message), message
    return message


# --- models ---------------------------------------------------------------------------------------------------

def write_vocab(folder: Path, tokens: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    seen = list(dict.fromkeys(tokens))
    (folder / "vocab.txt").write_text("\n".join(seen) + "\n", encoding="utf-8")
    return folder / "vocab.txt"


def _bert_config(tokenizer, *, layers: int = 2, heads: int = 4, hidden: int = 32, max_positions: int = 64,
                 **extra) -> BertConfig:
    return BertConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=heads, intermediate_size=hidden * 2, max_position_embeddings=max_positions,
                      type_vocab_size=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, **extra)


def make_tiny_bert(folder: Path, tokens: list[str], *, seed: int = 0, layers: int = 2, heads: int = 4,
                   hidden: int = 32, max_positions: int = 64, kind=BertModel) -> Path:
    """Save a random BERT (eager attention) and its tokenizer to ``folder``; return it. ``kind`` is the
    transformers class: ``BertModel`` (an encoder only), or ``BertForPreTraining`` / ``BertForMaskedLM`` for
    a checkpoint with pre-training heads, exactly as a Hub checkpoint with heads would be saved."""
    vocab = write_vocab(folder, tokens)
    tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
    tokenizer.model_max_length = max_positions
    torch.manual_seed(seed)
    config = _bert_config(tokenizer, layers=layers, heads=heads, hidden=hidden, max_positions=max_positions)
    kind(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def roberta_tokenizer(folder: Path):
    """A byte-level BPE (RoBERTa's kind of tokenizer) trained here on ROBERTA_CORPUS, so none is downloaded."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import RobertaTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(ROBERTA_CORPUS, vocab_size=400, min_frequency=1, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    folder.mkdir(parents=True, exist_ok=True)
    bpe.save_model(str(folder))
    merges = [tuple(line.split()) for line in (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]
    tokenizer = RobertaTokenizerFast(vocab=bpe.get_vocab(), merges=merges)
    tokenizer.model_max_length = 62
    return tokenizer


def make_tiny_classifier(folder: Path, arch: str = "bert", *, labels: Sequence[str] = LABELS,
                         tokens: list[str] | None = None, problem_type: str | None = "multi_label_classification",
                         seed: int = 0, layers: int = 2, heads: int = 4, hidden: int = 32, init: float = 0.2) -> Path:
    """Save a random ``*ForSequenceClassification`` of architecture ``arch`` ("bert", "distilbert" or
    "roberta") with its tokenizer; return the folder. BERT and DistilBERT read ``tokens`` (the English
    vocabulary by default).

    ``init`` (the weights' standard deviation) is ten times BERT's, so that switching a head off or
    deleting a token visibly moves the scores of these untrained models."""
    from transformers import (
        BertForSequenceClassification,
        DistilBertConfig,
        DistilBertForSequenceClassification,
        RobertaConfig,
        RobertaForSequenceClassification,
    )

    torch.manual_seed(seed)
    named = dict(num_labels=len(labels), id2label=dict(enumerate(labels)),
                 label2id={name: i for i, name in enumerate(labels)}, problem_type=problem_type)
    if arch == "roberta":
        tokenizer = roberta_tokenizer(folder)
        config = RobertaConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=hidden, num_hidden_layers=layers,
                               num_attention_heads=heads, intermediate_size=2 * hidden, max_position_embeddings=64,
                               pad_token_id=tokenizer.pad_token_id, bos_token_id=0, eos_token_id=2, type_vocab_size=1,
                               hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, initializer_range=init,
                               **named)
        model = RobertaForSequenceClassification(config)
    else:
        vocab = write_vocab(folder, tokens or ENGLISH)
        tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True, tokenize_chinese_chars=True)
        tokenizer.model_max_length = 64
        if arch == "distilbert":
            config = DistilBertConfig(vocab_size=len(tokenizer.get_vocab()), dim=hidden, n_layers=layers,
                                      n_heads=heads, hidden_dim=2 * hidden, max_position_embeddings=64, dropout=0.0,
                                      attention_dropout=0.0, seq_classif_dropout=0.0, initializer_range=init, **named)
            model = DistilBertForSequenceClassification(config)
        else:
            config = _bert_config(tokenizer, layers=layers, heads=heads, hidden=hidden, initializer_range=init,
                                  **named)
            model = BertForSequenceClassification(config)
    model.eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def trainer_of(demo):
    """The server's LiveTrainer, reached through the /train event's function."""
    from components.ui.serving import endpoint

    return endpoint(demo, "train").trainer


# --- toy data ---------------------------------------------------------------------------------------------------
# money / water sentences in the tiny English vocabulary. The three splits are separate sibling files
# (``toy.train.jsonl``, ``toy.dev.jsonl``, ``toy.test.jsonl``) with different sentences, so no test reads one row as
# train and test.

TRAIN = {
    "money": ["the bank raised interest rates", "my loan and deposit", "the bank opened an account",
              "interest rates on money", "our money in the bank", "loans and deposit rates"],
    "water": ["the river shore was muddy", "a fish near the water", "the boat on the river",
              "water along the shore", "we walked along the river", "fish in muddy water"],
    "money|water": ["the bank of the river"],
}
DEV = {
    "money": ["the bank raised loan rates", "deposit money in the bank", "interest on my loan"],
    "water": ["fish in the river", "a boat near the shore", "muddy water along the river"],
    "money|water": ["money in the river"],
}
TEST = {
    "money": ["loans from the bank", "my deposit and interest"],
    "water": ["the shore of the river", "fish near the boat"],
    "money|water": ["the bank near the water"],
}


def rows(table: dict[str, list[str]]) -> list[dict]:
    return [{"text": text, "labels": labels.split("|")} for labels, texts in table.items() for text in texts]


def texts(table: dict[str, list[str]]) -> list[str]:
    return [r["text"] for r in rows(table)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_toy(folder: Path, dev: dict | None = None) -> str:
    """Write the three sibling files into ``folder``; return the family path ``folder/toy.jsonl`` (not a file)."""
    for split, table in (("train", TRAIN), ("dev", dev or DEV), ("test", TEST)):
        write_jsonl(folder / f"toy.{split}.jsonl", rows(table))
    return str(folder / "toy.jsonl")
