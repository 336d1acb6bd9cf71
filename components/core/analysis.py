"""One forward pass per (model, text): tokens, offsets, attentions, hidden states, logits.

Design decision: every view (Tokens, Attention, Polysemy, Predict) reads the same frozen
``Analysis``, computed once and kept in a byte-bounded LRU cache, so switching tabs, layers
or heads never runs the model again. Token/character alignment lives here, in
``char_span_to_tokens``, and nowhere else.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import torch

from components.core.models import LoadedModel

__all__ = ["Analysis", "analyze", "char_span_to_tokens", "clean_text", "clear_analysis_cache", "normalize_text"]

MAX_CHARS = 20_000  # beyond this even a 512-token window is a small prefix; refuse early


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the views need from one forward pass. Arrays are read-only numpy."""

    model_name: str
    text: str
    text_pair: str | None
    tokens: tuple[str, ...]
    input_ids: np.ndarray  # (T,)
    offsets: tuple[tuple[int, int], ...]  # char offsets into the token's own segment text
    word_ids: tuple[int | None, ...]
    special: np.ndarray  # (T,) bool: [CLS], [SEP], [PAD]...
    segment_ids: np.ndarray  # (T,) 0 = sentence A, 1 = sentence B
    attentions: np.ndarray  # (L, H, T, T) float32, rows sum to 1
    hidden_states: np.ndarray  # (L+1, T, D) float32; [0] is the embedding-layer output
    logits: np.ndarray | None  # (C,) when the model has a classification head
    truncated: bool
    n_tokens_full: int  # length before truncation
    unk_fraction: float  # share of non-special tokens that are [UNK]

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    @property
    def n_layers(self) -> int:
        return int(self.attentions.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self.attentions.shape[1])

    @property
    def nbytes(self) -> int:
        return int(self.attentions.nbytes + self.hidden_states.nbytes)

    def warnings(self) -> list[str]:
        """Things the student should be told about this input."""
        notes = []
        if self.truncated:
            notes.append(
                f"The input has {self.n_tokens_full} tokens; {self.model_name} reads at most "
                f"{self.n_tokens}, so only the first {self.n_tokens} are shown."
            )
        typed = [t for t, sp, (a, b) in zip(self.tokens, self.special, self.offsets) if sp and b > a]
        if typed:
            notes.append(
                f"The text contains {', '.join(dict.fromkeys(typed))} typed as text: BERT's tokenizer reads "
                "them as its own special tokens (the same ids it adds itself), not as words."
            )
        if self.unk_fraction >= 0.5:
            notes.append(
                f"{self.unk_fraction:.0%} of the tokens are [UNK]: this model's vocabulary does not "
                "cover this text (for Chinese, choose bert-base-chinese)."
            )
        return notes


def normalize_text(text: str) -> str:
    """NFC, stripped, with NUL, other control characters and lone surrogates turned into spaces
    (noise to BERT, and they break JSON and some renderers)."""
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cs"} and c not in "\t\n" else c for c in text)
    return unicodedata.normalize("NFC", text).strip()


def clean_text(text: str | None, what: str = "text") -> str:
    """Normalise user text; raise ValueError with the fix when nothing usable is left."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError(f"The {what} must be a string.")
    text = normalize_text(text)
    if not text:
        raise ValueError(f"The {what} is empty: type a sentence first.")
    if len(text) > MAX_CHARS:
        raise ValueError(
            f"The {what} has {len(text):,} characters; BERT reads at most 512 tokens. "
            f"Paste at most {MAX_CHARS:,} characters (a paragraph or two)."
        )
    return text


class _LRU:
    """Thread-safe LRU bounded by total bytes, since one BERT-base 512-token pass is ~150 MB."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, Analysis] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> Analysis | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return item

    def put(self, key: tuple, value: Analysis) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > 1 and sum(v.nbytes for v in self._items.values()) > self.max_bytes:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _LRU(max_bytes=1_500_000_000)


def clear_analysis_cache() -> None:
    _cache.clear()


def analyze(model: LoadedModel, text: str, text_pair: str | None = None, *, max_length: int | None = None) -> Analysis:
    """Tokenize and run the encoder once; cached by (model, text, pair, max_length)."""
    text = clean_text(text)
    text_pair = clean_text(text_pair, "second sentence") if text_pair and text_pair.strip() else None
    limit = min(max_length or model.max_length, model.max_length)
    key = (model.name, text, text_pair, limit)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    result = _run(model, text, text_pair, limit)
    _cache.put(key, result)
    return result


def _run(model: LoadedModel, text: str, text_pair: str | None, limit: int) -> Analysis:
    tok = model.tokenizer
    full_len = len(tok(text, text_pair, add_special_tokens=True)["input_ids"])
    enc = tok(
        text, text_pair, truncation="longest_first" if full_len > limit else False, max_length=limit,
        return_offsets_mapping=True, return_token_type_ids=True, return_special_tokens_mask=True,
    )
    # [CLS], [SEP], [MASK]... typed by the student are matched as special tokens by the tokenizer (same
    # ids as the ones it adds) but left out of its mask: flag them too, so tables and views are honest.
    special_ids = set(tok.all_special_ids) - {tok.unk_token_id}
    special = np.array([bool(m) or i in special_ids for m, i in zip(enc["special_tokens_mask"], enc["input_ids"])],
                       dtype=bool)
    for segment, what in ((0, "text"), (1, "second sentence")):
        if segment == 1 and text_pair is None:
            continue
        if not any(b > a for (a, b), s in zip(enc["offset_mapping"], enc["token_type_ids"]) if s == segment):
            raise ValueError(f"BERT's tokenizer finds nothing to read in the {what}: it holds only invisible, "
                             "control or unsupported characters. Type a sentence with letters or characters.")
    ids = torch.tensor([enc["input_ids"]])
    mask = torch.ones_like(ids)
    segments = torch.tensor([enc["token_type_ids"]])
    with torch.inference_mode():
        out = model.encoder(input_ids=ids, attention_mask=mask, token_type_ids=segments,
                            output_attentions=True, output_hidden_states=True)
        logits = model.head(out.last_hidden_state, mask)[0].float().numpy() if model.head else None
    attentions = torch.stack(out.attentions)[:, 0].float().numpy()
    hidden = torch.stack(out.hidden_states)[:, 0].float().numpy()
    unk_id = tok.unk_token_id
    regular = ~special
    unk = float(np.mean(np.array(enc["input_ids"])[regular] == unk_id)) if regular.any() else 0.0
    for arr in (attentions, hidden, special):
        arr.setflags(write=False)
    return Analysis(
        model_name=model.name,
        text=text,
        text_pair=text_pair,
        tokens=tuple(tok.convert_ids_to_tokens(enc["input_ids"])),
        input_ids=np.array(enc["input_ids"], dtype=np.int64),
        offsets=tuple((int(a), int(b)) for a, b in enc["offset_mapping"]),
        word_ids=tuple(enc.word_ids()),
        special=special,
        segment_ids=np.array(enc["token_type_ids"], dtype=np.int64),
        attentions=attentions,
        hidden_states=hidden,
        logits=logits,
        truncated=full_len > limit,
        n_tokens_full=full_len,
        unk_fraction=unk,
    )


def char_span_to_tokens(analysis: Analysis, start: int, end: int, segment: int = 0) -> list[int]:
    """Indices of the tokens whose characters overlap ``text[start:end]`` of one segment.

    Works for WordPiece splits (##), Chinese characters (one token each), accents (offsets
    refer to the original text) and repeated words (the span picks the occurrence).
    Raises ValueError when the span is empty, out of range, truncated away or only [UNK].
    """
    source = analysis.text if segment == 0 else (analysis.text_pair or "")
    if not 0 <= start < end <= len(source):
        raise ValueError(f"The span {start}:{end} is outside the sentence (length {len(source)}).")
    picked = [
        i for i, ((a, b), seg, sp) in enumerate(zip(analysis.offsets, analysis.segment_ids, analysis.special))
        if not sp and seg == segment and a < end and b > start and b > a
    ]
    if not picked:
        typed = [analysis.tokens[i] for i, ((a, b), seg) in enumerate(zip(analysis.offsets, analysis.segment_ids))
                 if seg == segment and a < end and b > start and b > a]
        if typed:
            raise ValueError(f"'{source[start:end]}' is read as BERT's special token {', '.join(typed)}, not as a "
                             "word, so it has no word vector. Choose a word of the sentence.")
        raise ValueError(
            f"'{source[start:end]}' is not among the tokens the model read "
            "(it was cut off by truncation). Use a shorter sentence."
        )
    unk = analysis.tokens and all(analysis.tokens[i] == "[UNK]" for i in picked)
    if unk:
        raise ValueError(
            f"'{source[start:end]}' is [UNK] for {analysis.model_name}: its vocabulary does not have it. "
            "Choose a model whose vocabulary covers this language (e.g. bert-base-chinese for Chinese)."
        )
    return picked
