"""One forward pass per (model, text): tokens, offsets, attentions, hidden states, logits.

Design decision: every view reads the same frozen ``Analysis``, computed once and kept in the
one byte-bounded, single-flight cache, so switching tabs, layers or heads never runs the model
again, and thirty students pressing the same example cause one forward pass. A view that needs
only the logits (Predict) asks for ``detail="logits"``: the model runs without collecting
attentions and hidden states, and a full analysis already in the cache serves it too. A view that
runs its own forward on altered ids (Pre-training masks pieces) asks for ``detail="tokens"``: the
same tokenization, checks and warnings, without running the model at all. Requests that arrive
together for the same model share one padded forward (``components/core/batching.py``): each is
tokenized and checked in its own thread, and its rows are cut out of the batch to its own tokens.

Token/character alignment (``char_span_to_tokens``) and span pooling (``pool_span``) live here
and nowhere else. Segments come from the tokenizer's ``sequence_ids`` (sentence A = 0, B = 1),
so BERT, DistilBERT (no segment embeddings) and RoBERTa (``<s> A </s></s> B </s>``) read alike.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import torch

from components.core.batching import Batcher
from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.core.text import MAX_CHARS, clean_text, normalize_text

__all__ = ["MAX_CHARS", "Analysis", "analyze", "analyze_many", "char_span_to_tokens", "clean_text",
           "forwards_by_batch_size", "is_chinese", "normalize_text", "pool_span", "require_language"]


DETAILS = ("full", "logits", "tokens")


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
    attentions: np.ndarray | None  # (L, H, T, T) float32, rows sum to 1 ("full" detail)
    hidden_states: np.ndarray | None  # (L+1, T, D) float32; [0] is the embedding-layer output ("full")
    logits: np.ndarray | None  # (C,) when the model has a classification head
    truncated: bool
    n_tokens_full: int  # length before truncation
    unknown: np.ndarray  # (T,) bool: the tokenizer's unknown token ([UNK], <unk>)
    detail: str = "full"

    @property
    def unk_fraction(self) -> float:
        """Share of the non-special tokens that are unknown to the vocabulary."""
        regular = ~self.special
        return float(self.unknown[regular].mean()) if regular.any() else 0.0

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    @property
    def n_layers(self) -> int:
        return int(self.attentions.shape[0]) if self.attentions is not None else 0

    @property
    def n_heads(self) -> int:
        return int(self.attentions.shape[1]) if self.attentions is not None else 0

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in (self.attentions, self.hidden_states, self.input_ids) if a is not None)

    def warnings(self) -> list[Msg]:
        """Things the student should be told about this input."""
        notes = []
        if self.truncated:
            notes.append(Msg("analysis_truncated", full=self.n_tokens_full, model=self.model_name, shown=self.n_tokens))
        typed = [t for t, sp, (a, b) in zip(self.tokens, self.special, self.offsets) if sp and b > a]
        if typed:
            notes.append(Msg("analysis_typed_special", tokens=list(dict.fromkeys(typed))))
        if self.unk_fraction >= 0.5:
            notes.append(Msg("analysis_mostly_unk", share=self.unk_fraction))
        return notes


_analyses: Cache[Analysis] = Cache("analyses", max_bytes=1_500_000_000, size=lambda a: a.nbytes)


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0002ffff"


def is_chinese(text: str) -> bool:
    """At least half of the letters are Chinese characters."""
    letters = [c for c in text if unicodedata.category(c).startswith("L")]
    return bool(letters) and 2 * sum(_cjk(c) for c in letters) >= len(letters)


def require_language(model: LoadedModel, *texts: str | None) -> None:
    """One clear message instead of a screen of [UNK]s: Chinese text on an English-only model."""
    if model.language == "en" and any(t and is_chinese(t) for t in texts):
        if model.is_classifier:
            raise UserError("analysis_classifier_english", teacher=Msg("teacher_chinese_classifier"))
        raise UserError("analysis_needs_chinese_model", model=model.name,
                        teacher=Msg("model_fetch_hint", name="bert-base-chinese"))


def analyze(model: LoadedModel, text: str, text_pair: str | None = None, *, max_length: int | None = None,
            detail: str = "full") -> Analysis:
    """Tokenize and run the model once; cached (single flight) by (model, text, pair, limit, detail)."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}")
    text = clean_text(text)
    text_pair = clean_text(text_pair, Msg("text_what_second")) if text_pair and text_pair.strip() else None
    require_language(model, text, text_pair)
    limit = min(max_length or model.max_length, model.max_length)
    key = (model.name, text, text_pair, limit)
    for richer in DETAILS[:DETAILS.index(detail)]:  # a fuller analysis in the cache serves a leaner request
        cached = _analyses.get((*key, richer))
        if cached is not None:
            return cached
    return _analyses.get_or_compute((*key, detail), lambda: _run(model, text, text_pair, limit, detail))


@dataclass(frozen=True, eq=False)
class _Prepared:
    """One text tokenized and checked, before the model runs (what a request does in its own thread)."""

    text: str
    text_pair: str | None
    enc: object  # the tokenizer's BatchEncoding (offsets, word ids)
    ids: list[int]
    special: np.ndarray
    segments: np.ndarray
    full_len: int
    limit: int


def _prepare(model: LoadedModel, text: str, text_pair: str | None, limit: int) -> _Prepared:
    tok = model.tokenizer
    full_len = len(tok(text, text_pair, add_special_tokens=True)["input_ids"])
    enc = tok(text, text_pair, truncation="longest_first" if full_len > limit else False, max_length=limit,
              return_offsets_mapping=True, return_special_tokens_mask=True)
    ids = list(enc["input_ids"])
    # [CLS], [SEP], [MASK]... typed by the student are matched as special tokens by the tokenizer (same
    # ids as the ones it adds) but left out of its mask: flag them too, so tables and views are honest.
    special_ids = set(tok.all_special_ids) - {tok.unk_token_id}
    special = np.array([bool(m) or i in special_ids for m, i in zip(enc["special_tokens_mask"], ids)], dtype=bool)
    segments = np.zeros(len(ids), dtype=np.int64)
    current = 0
    for index, seq in enumerate(enc.sequence_ids()):
        current = seq if seq is not None else current
        segments[index] = current
    for segment, what in ((0, "text_what_text"), (1, "text_what_second")):
        if segment == 1 and text_pair is None:
            continue
        if not any(b > a for (a, b), s, sp in zip(enc["offset_mapping"], segments, special) if s == segment):
            raise UserError("analysis_nothing_to_read", what=Msg(what))
    return _Prepared(text, text_pair, enc, ids, special, segments, full_len, limit)


def _forward(key: tuple[str, str], items: list[tuple[LoadedModel, _Prepared]]) -> list[tuple]:
    """One padded forward of every item (same model): per item (logits, attentions, hidden states), each cut
    to the item's own tokens. Padding is masked out, so each equals the item's forward alone (to float error)."""
    model, full = items[0][0], key[1] == "full"
    width = max(len(p.ids) for _, p in items)
    pad = model.tokenizer.pad_token_id
    ids = torch.full((len(items), width), 0 if pad is None else int(pad), dtype=torch.long)
    mask = torch.zeros_like(ids)
    segments = torch.zeros_like(ids)
    for row, (_, p) in enumerate(items):
        ids[row, :len(p.ids)] = torch.tensor(p.ids)
        mask[row, :len(p.ids)] = 1
        segments[row, :len(p.ids)] = torch.from_numpy(p.segments)
    with torch.inference_mode():
        logits, attentions, hidden = model.run(ids, mask, segments, attentions=full, hidden=full)
    out = []
    for row, (_, p) in enumerate(items):
        n = len(p.ids)
        out.append((logits[row].float().numpy().copy() if logits is not None else None,
                    torch.stack([a[row, :, :n, :n] for a in attentions]).float().numpy() if full else None,
                    torch.stack([h[row, :n] for h in hidden]).float().numpy() if full else None))
    return out


def _admit(items: list[tuple[LoadedModel, _Prepared]], item: tuple[LoadedModel, _Prepared]) -> bool:
    """A batch stays within MAX_ROWS rows and MAX_AREA padded token pairs (attention grows with T²)."""
    width = max(len(item[1].ids), *(len(p.ids) for _, p in items))
    return len(items) < MAX_ROWS and (len(items) + 1) * width * width <= MAX_AREA


MAX_ROWS = 32
MAX_AREA = 512 * 512  # a batch never pads to more attention cells than one 512-token input has
_batches: Batcher[tuple[LoadedModel, _Prepared], tuple] = Batcher(_forward, _admit)


def forwards_by_batch_size() -> dict[int, int]:
    """{rows: how many forwards ran with that many requests in them} since the process started."""
    return dict(sorted(_batches.sizes.items()))


def _run(model: LoadedModel, text: str, text_pair: str | None, limit: int, detail: str) -> Analysis:
    """Tokenize and check here; the forward is shared with concurrent requests on the same model."""
    p = _prepare(model, text, text_pair, limit)
    outputs = _batches.submit((model.name, detail), (model, p)) if detail != "tokens" else (None, None, None)
    return _assemble(model, p, outputs, detail)


def analyze_many(model: LoadedModel, texts: list[str]) -> list[Analysis]:
    """``analyze`` (full detail) of many single texts on one model: the ones not cached run as padded batches
    (Polysemy's sentences and anchor words: one forward instead of twenty). Not single flight: a text another
    request computes at the same moment is computed twice, to the same result."""
    found: dict[str, Analysis] = {}
    missing: list[tuple[str, tuple, _Prepared]] = []
    for text in dict.fromkeys(texts):
        clean = clean_text(text)
        require_language(model, clean)
        key = (model.name, clean, None, model.max_length, "full")
        cached = _analyses.get(key)
        if cached is not None:
            found[text] = cached
        else:
            missing.append((text, key, _prepare(model, clean, None, model.max_length)))
    while missing:
        batch = [missing.pop(0)]
        while missing and _admit([(model, p) for *_, p in batch], (model, missing[0][2])):
            batch.append(missing.pop(0))
        for (text, key, p), outputs in zip(batch, _forward((model.name, "full"), [(model, p) for *_, p in batch])):
            found[text] = _analyses.put(key, _assemble(model, p, outputs, "full"))
    return [found[text] for text in texts]


def _assemble(model: LoadedModel, p: _Prepared, outputs: tuple, detail: str) -> Analysis:
    logits, attentions, hidden = outputs
    text, text_pair, limit = p.text, p.text_pair, p.limit
    tok = model.tokenizer
    unknown = np.array(p.ids) == tok.unk_token_id
    for arr in (attentions, hidden, p.special, p.segments, logits, unknown):
        if arr is not None:
            arr.setflags(write=False)
    return Analysis(
        model_name=model.name, text=text, text_pair=text_pair, tokens=tuple(tok.convert_ids_to_tokens(p.ids)),
        input_ids=np.array(p.ids, dtype=np.int64), offsets=tuple((int(a), int(b)) for a, b in p.enc["offset_mapping"]),
        word_ids=tuple(p.enc.word_ids()), special=p.special, segment_ids=p.segments, attentions=attentions,
        hidden_states=hidden, logits=logits, truncated=p.full_len > limit, n_tokens_full=p.full_len, unknown=unknown,
        detail=detail,
    )


def char_span_to_tokens(analysis: Analysis, start: int, end: int, segment: int = 0) -> list[int]:
    """Indices of the tokens whose characters overlap ``text[start:end]`` of one segment.

    Works for WordPiece splits (##), BPE pieces (Ġ), Chinese characters (one token each), accents
    (offsets refer to the original text) and repeated words (the span picks the occurrence).
    Raises UserError when the span is empty, out of range, truncated away or only [UNK].
    """
    source = analysis.text if segment == 0 else (analysis.text_pair or "")
    if not 0 <= start < end <= len(source):
        raise UserError("analysis_span_outside", start=start, end=end, length=len(source))
    quote = source[start:end][:60]
    overlapping = [i for i, ((a, b), seg) in enumerate(zip(analysis.offsets, analysis.segment_ids))
                   if seg == segment and a < end and b > start and b > a]
    picked = [i for i in overlapping if not analysis.special[i]]
    if not picked:
        if overlapping:
            raise UserError("analysis_span_special", quote=quote, tokens=[analysis.tokens[i] for i in overlapping])
        raise UserError("analysis_span_truncated", quote=quote)
    if analysis.unknown[picked].all():
        raise UserError("analysis_span_unk", quote=quote, model=analysis.model_name)
    return picked


def pool_span(analysis: Analysis, index: list[int]) -> np.ndarray:
    """The one pooling rule: the mean of the span's pieces at every layer, (L+1, D)."""
    if analysis.hidden_states is None:
        raise ValueError("pool_span needs a full analysis (hidden states)")
    return analysis.hidden_states[:, index].mean(axis=1)
