"""BERT's two pre-training tasks, computed with the checkpoint's own heads: fill-in and next sentence.

Design decision: the sentence is tokenized once by the shared analysis (``detail="tokens"``: same
pieces, checks and warnings as every tab, no forward), the student's masks are applied to those
ids, and one forward of the encoder inside the loaded ``BertForPreTraining`` feeds its own heads:
``cls.predictions`` at the masked positions (a softmax over the vocabulary, exactly what
``pipeline("fill-mask")`` computes) and ``cls.seq_relationship`` on the pooled [CLS] (label 0 is
"B follows A"). Forwards are cached by their ids, so a new guess, top-k or layer never runs the
model again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from components.core.analysis import Analysis, analyze, is_chinese
from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.pretraining.filter import is_offensive

__all__ = ["MAX_MASKS", "MAX_TOP_K", "FillResult", "Forward", "Guess", "MaskPrediction", "Masked", "Word",
           "fill_mask", "forward", "input_warnings", "mask_input", "next_sentence", "nsp_input", "rank_guess",
           "reads_text", "sentence_words", "top_pieces", "word_numbers", "words"]

MAX_MASKS = 20
MAX_TOP_K = 50


@dataclass(frozen=True)
class Word:
    """A word of the sentence as the tokenizer splits it: clicking it masks all its pieces."""

    number: int
    text: str  # as typed
    pieces: tuple[str, ...]
    positions: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Forward:
    probs: np.ndarray  # (P, V) softmax of the masked-LM head at the requested positions
    is_next: float | None  # P(IsNext) from the NSP head, when the checkpoint has it
    attentions: np.ndarray | None  # (L, H, T, T)

    @property
    def nbytes(self) -> int:
        return int(self.probs.nbytes) + (int(self.attentions.nbytes) if self.attentions is not None else 0)


@dataclass(frozen=True)
class MaskPrediction:
    position: int
    answer: str | None  # the piece the mask replaced (None: [MASK] was typed)
    pieces: tuple[str, ...]  # top-k shown, best first
    probs: tuple[float, ...]
    hidden: int  # pieces the classroom filter skipped to fill the top-k
    answer_rank: int | None  # 1-based rank of the answer over the whole vocabulary
    answer_prob: float | None


@dataclass(frozen=True, eq=False)
class FillResult:
    model_name: str
    tokens: tuple[str, ...]  # what BERT read, masks included
    masks: tuple[MaskPrediction, ...]
    attention: np.ndarray  # (n_masks, T): mean of heads at ``layer``, each mask's row
    layer: int
    n_layers: int
    warnings: tuple[Msg, ...]
    probs: np.ndarray  # (n_masks, V), for ranking a guess

    @property
    def hidden(self) -> int:
        return sum(m.hidden for m in self.masks)


@dataclass(frozen=True)
class Guess:
    piece: str
    mask: int  # 0-based index into FillResult.masks
    rank: int | None  # None: the piece is not in the vocabulary
    prob: float | None


_forwards: Cache[Forward] = Cache("pretraining", max_bytes=300_000_000, size=lambda f: f.nbytes)


def words(analysis: Analysis) -> list[Word]:
    """The sentence's words (not special tokens), each with its pieces; numbered from 0."""
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (word, segment) in enumerate(zip(analysis.word_ids, analysis.segment_ids)):
        if word is not None and not analysis.special[i]:
            groups.setdefault((int(segment), word), []).append(i)
    source = (analysis.text, analysis.text_pair or "")
    out = []
    for number, ((segment, _), positions) in enumerate(groups.items()):
        start, end = analysis.offsets[positions[0]][0], analysis.offsets[positions[-1]][1]
        out.append(Word(number, source[segment][start:end], tuple(analysis.tokens[i] for i in positions),
                        tuple(positions)))
    return out


def sentence_words(model: LoadedModel, text: str) -> list[Word]:
    """The words to click in ``text`` as ``model``'s tokenizer splits it (no forward)."""
    return words(analyze(model, text, detail="tokens"))


def word_numbers(values) -> tuple[int, ...]:
    """The clicked words' numbers, as the checkboxes (or a script) send them."""
    try:
        return tuple(int(v) for v in values or ())
    except (TypeError, ValueError):
        raise UserError("pre_word_unknown", number=str(values)[:20], n="?") from None


def reads_text(model: LoadedModel, *texts: str) -> bool:
    """Whether ``model``'s vocabulary covers the texts (fewer than half their pieces unknown); no forward."""
    return all(analyze(model, text, detail="tokens").unk_fraction < 0.5 for text in texts if text)


def input_warnings(analysis: Analysis) -> list[Msg]:
    """What the student is told about the input; a typed [MASK] or [SEP] is this lesson's own business."""
    return [w for w in analysis.warnings() if w.key != "analysis_typed_special"]


def forward(model: LoadedModel, ids: np.ndarray, segments: np.ndarray, positions: tuple[int, ...] = (),
            attentions: bool = False) -> Forward:
    """One forward of the encoder feeding the checkpoint's own heads; cached by everything it reads."""
    key = (model.name, ids.tobytes(), segments.tobytes(), tuple(positions), attentions)

    def run() -> Forward:
        with torch.inference_mode():
            out = model.full.bert(input_ids=torch.tensor(ids)[None], attention_mask=torch.ones(1, len(ids),
                                  dtype=torch.long), token_type_ids=torch.tensor(segments)[None],
                                  output_attentions=attentions)
            probs = np.zeros((0, model.config.vocab_size), dtype=np.float32)
            if positions and "mlm" in model.heads:
                logits = model.full.cls.predictions(out.last_hidden_state[0, list(positions)])
                probs = torch.softmax(logits.float(), dim=-1).numpy()
            is_next = None
            if "nsp" in model.heads:
                is_next = float(torch.softmax(model.full.cls.seq_relationship(out.pooler_output)[0].float(), -1)[0])
            att = torch.stack(out.attentions)[:, 0].float().numpy() if attentions else None
        return Forward(probs=probs, is_next=is_next, attentions=att)

    return _forwards.get_or_compute(key, run)


def top_pieces(model: LoadedModel, probs: np.ndarray, k: int, classroom: bool) -> tuple[list[int], int]:
    """The ``k`` most probable ids, best first, skipping what the classroom filter hides; and how many it hid."""
    order = np.argsort(-probs, kind="stable")
    chosen, skipped = [], 0
    for index in order:
        if classroom and is_offensive(model.tokenizer.convert_ids_to_tokens(int(index))):
            skipped += 1
            continue
        chosen.append(int(index))
        if len(chosen) == k:
            break
    return chosen, skipped


def _rank(probs: np.ndarray, index: int) -> int:
    return int((probs > probs[index]).sum()) + 1


def _check_top_k(top_k) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, (int, float)) or not 1 <= int(top_k) <= MAX_TOP_K:
        raise UserError("pre_top_k_range", limit=MAX_TOP_K)
    return int(top_k)


@dataclass(frozen=True, eq=False)
class Masked:
    """The sentence as BERT reads it once the student's masks are applied (no model run yet)."""

    analysis: Analysis
    ids: np.ndarray  # (T,) with [MASK] ids
    positions: tuple[int, ...]  # every [MASK], in order
    answers: dict[int, str]  # position -> the piece a mask replaced (typed masks have none)

    def tokens(self, model: LoadedModel) -> tuple[str, ...]:
        return tuple(model.tokenizer.convert_ids_to_tokens(self.ids.tolist()))


def mask_input(model: LoadedModel, text: str, masked_words: tuple[int, ...] = (),
               positions: tuple[int, ...] = ()) -> Masked:
    """Apply clicked words (whole words: every piece) and token positions to typed [MASK]s; check the limits."""
    analysis = analyze(model, text, detail="tokens")
    sentence = words(analysis)
    chosen = set(positions)
    for number in masked_words:
        if not 0 <= number < len(sentence):
            raise UserError("pre_word_unknown", number=number, n=len(sentence))
        chosen.update(sentence[number].positions)
    for position in sorted(chosen):
        if not 0 <= position < analysis.n_tokens or analysis.special[position]:
            token = analysis.tokens[position] if 0 <= position < analysis.n_tokens else "?"
            raise UserError("pre_mask_special", position=position, token=token)
    ids = np.array(analysis.input_ids, copy=True)
    mask_id = model.tokenizer.mask_token_id
    ids[sorted(chosen)] = mask_id
    where = tuple(int(p) for p in np.flatnonzero(ids == mask_id))
    if not where:
        raise UserError("pre_no_mask")
    if len(where) > MAX_MASKS:
        raise UserError("pre_too_many_masks", n=len(where), limit=MAX_MASKS)
    return Masked(analysis, ids, where, {p: analysis.tokens[p] for p in chosen})


def fetch_hint(*texts: str | None) -> Msg:
    """The teacher's note on getting a model with BERT's heads: the Chinese one for Chinese text, else the one
    of the reader's language (bert-base-chinese on a Chinese page, bert-base-uncased on an English one)."""
    chinese = any(text and is_chinese(text) for text in texts)
    return Msg("model_fetch_hint", name="bert-base-chinese" if chinese else Msg("pre_example_model"))


def fill_mask(model: LoadedModel, text: str, masked_words: tuple[int, ...] = (), *, positions: tuple[int, ...] = (),
              top_k: int = 5, layer: int | None = None, classroom: bool = True) -> FillResult:
    """Predict every [MASK] (typed, or made from clicked words and/or token positions) with the MLM head."""
    top_k = _check_top_k(top_k)
    masked = mask_input(model, text, masked_words, positions)
    if "mlm" not in model.heads:
        raise UserError("pre_model_has_no_mlm", model=model.name, teacher=fetch_hint(text))
    analysis, ids, where, answers = masked.analysis, masked.ids, masked.positions, masked.answers
    n_layers = int(model.config.num_hidden_layers)
    layer = n_layers if layer is None else int(layer)
    if not 1 <= layer <= n_layers:
        raise UserError("pre_layer_range", n=n_layers)
    out = forward(model, ids, analysis.segment_ids, where, attentions=True)
    masks = []
    for row, position in enumerate(where):
        probs = out.probs[row]
        top, skipped = top_pieces(model, probs, top_k, classroom)
        answer = answers.get(position)
        answer_id = int(analysis.input_ids[position]) if answer is not None else None
        masks.append(MaskPrediction(
            position=position, answer=answer, pieces=tuple(model.tokenizer.convert_ids_to_tokens(top)),
            probs=tuple(float(probs[i]) for i in top), hidden=skipped,
            answer_rank=_rank(probs, answer_id) if answer_id is not None else None,
            answer_prob=float(probs[answer_id]) if answer_id is not None else None))
    attention = out.attentions[layer - 1].mean(axis=0)[list(where)]
    tokens = masked.tokens(model)
    notes = tuple(input_warnings(analysis))
    return FillResult(model_name=model.name, tokens=tokens, masks=tuple(masks), attention=attention, layer=layer,
                      n_layers=n_layers, warnings=notes, probs=out.probs)


def rank_guess(model: LoadedModel, result: FillResult, guess: str) -> list[Guess]:
    """Where BERT ranked the student's guess: its pieces, one per mask from the first on."""
    pieces = model.tokenizer.tokenize((guess or "").strip())[: len(result.masks)]
    vocab = model.tokenizer.get_vocab()
    out = []
    for mask, piece in enumerate(pieces):
        index = vocab.get(piece)
        if index is None or index == model.tokenizer.unk_token_id:
            out.append(Guess(piece, mask, None, None))
        else:
            probs = result.probs[mask]
            out.append(Guess(piece, mask, _rank(probs, index), float(probs[index])))
    return out


def nsp_input(model: LoadedModel, a: str, b: str) -> Analysis:
    """The [CLS] A [SEP] B [SEP] input with its segment ids, as ``model``'s tokenizer builds it (no forward)."""
    if not (b or "").strip():
        raise UserError("pre_need_b")
    return analyze(model, a, b, detail="tokens")


def next_sentence(model: LoadedModel, a: str, b: str) -> tuple[Analysis, float]:
    """The [CLS] A [SEP] B [SEP] input (with segment ids) and P(IsNext) from the NSP head."""
    analysis = nsp_input(model, a, b)
    if "nsp" not in model.heads:
        raise UserError("pre_model_has_no_nsp", model=model.name, teacher=fetch_hint(a, b))
    return analysis, forward(model, analysis.input_ids, analysis.segment_ids).is_next
