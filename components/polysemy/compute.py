"""Polysemy's numbers: one vector per occurrence per layer, the static baseline, sense separation.

Design decision: every vector comes from the shared analysis pass (``core.analysis.analyze``),
located by ``char_span_to_tokens`` and pooled by ``pool_span`` (the one pooling rule, also used
by ``python app.py embed``), so the vectors the class sees are the vectors research exports.

Separation is measured two ways per layer: within-sense minus across-sense cosine (pairs from
``sklearn.metrics.pairwise.cosine_similarity``), and leave-one-out 1-nearest-neighbour sense
accuracy, written here because ties must *share* credit: a static space gives every occurrence
the same vector, and a classifier that breaks ties by order (as sklearn's does) would score
such a space 0 % or 100 % by accident of ordering instead of chance. Both need two sentences of
every sense; a sense with one sentence is a message (``UserError``), never a NaN.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from components.core.analysis import analyze, analyze_many, char_span_to_tokens, pool_span
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.polysemy.sentences import Line, folding, locate
from components.polysemy.static_vectors import GloveMissing, StaticVectors, input_embedding_vectors, load_vectors

__all__ = ["Occurrences", "Separation", "check_senses", "cosine_matrix", "layer_curve", "occurrence_vectors",
           "separation", "static_space", "word_vectors"]


@dataclass(frozen=True, eq=False)
class Occurrences:
    """Where the target is in each sentence and its mean-pooled vector at every layer."""

    lines: tuple[Line, ...]
    spans: tuple[tuple[int, int], ...]
    pieces: tuple[tuple[str, ...], ...]  # the model's pieces pooled for each occurrence
    surface: tuple[str, ...]  # the characters those pieces cover: the word as the sentence writes it ('banks')
    vectors: np.ndarray  # (N, L+1, D) float32

    @property
    def senses(self) -> tuple[str, ...]:
        return tuple(line.sense for line in self.lines)


def occurrence_vectors(model: LoadedModel, lines: list[Line], target: str,
                       span: tuple[int, int] | None = None) -> Occurrences:
    """Pool the target's pieces per layer in every line; errors name the line."""
    lower, strip = folding(model)
    spans, pieces, surface, vectors = [], [], [], []
    try:
        analyze_many(model, [line.text for line in lines])  # one padded forward; a line that fails is named below
    except UserError:
        pass
    for line in lines:
        try:
            start, end = line.span or span or locate(line.text, target, lower=lower, strip=strip)
            analysis = analyze(model, line.text)
            index = char_span_to_tokens(analysis, start, end)
        except UserError as exc:
            raise UserError("poly_line_error", line=line.number, error=exc.msg) from None
        spans.append((start, end))
        pieces.append(tuple(analysis.tokens[i] for i in index))
        surface.append(line.text[min(analysis.offsets[i][0] for i in index):max(analysis.offsets[i][1] for i in index)])
        vectors.append(pool_span(analysis, index))
    return Occurrences(tuple(lines), tuple(spans), tuple(pieces), tuple(surface), np.stack(vectors).astype(np.float32))


def word_vectors(model: LoadedModel, words: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...]]:
    """Anchor words each encoded alone: (kept words, (M, L+1, D), words that were only [UNK])."""
    kept, rows, missing = [], [], []
    for word, analysis in zip(words, analyze_many(model, list(words))):
        try:
            index = char_span_to_tokens(analysis, 0, len(analysis.text))
        except UserError:
            missing.append(word)
            continue
        kept.append(word)
        rows.append(pool_span(analysis, index))
    config = model.config
    empty = (0, config.num_hidden_layers + 1, config.hidden_size)
    matrix = np.stack(rows) if rows else np.zeros(empty, np.float32)
    return tuple(kept), matrix.astype(np.float32), tuple(missing)


def static_space(model: LoadedModel, language: str, words: tuple[str, ...], glove: str | None) -> StaticVectors:
    """The baseline: GloVe for English; for Chinese, or where no GloVe file exists at all (a fresh
    Space), the model's input-embedding table, labelled as exactly that and saying how to get GloVe."""
    if language == "en":
        try:
            return load_vectors(words, glove)
        except GloveMissing as exc:
            table = input_embedding_vectors(model, words)
            return replace(table, label=Msg("poly_static_no_glove", table=table.label, why=exc.msg))
    return input_embedding_vectors(model, words)


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    from sklearn.metrics.pairwise import cosine_similarity

    return np.clip(cosine_similarity(np.asarray(vectors, dtype=np.float64)), -1.0, 1.0)


@dataclass(frozen=True)
class Separation:
    within: float  # mean cosine between occurrences of the same sense
    across: float  # mean cosine between occurrences of different senses
    knn_accuracy: float  # leave-one-out 1-nearest-neighbour sense accuracy (ties share credit)

    @property
    def gap(self) -> float:
        return self.within - self.across


def check_senses(senses: tuple[str, ...]) -> None:
    """Two senses at least, each with two sentences at least: what separation needs to be defined."""
    counts = Counter(senses)
    if len(counts) < 2:
        raise UserError("poly_two_senses")
    single = [sense for sense, n in counts.items() if n < 2]
    if single:
        raise UserError("poly_note_single", sense=single[0])


def separation(vectors: np.ndarray, senses: tuple[str, ...]) -> Separation:
    """Within- minus across-sense cosine and LOO 1-NN accuracy for (N, D) vectors."""
    check_senses(senses)
    labels = np.asarray(senses)
    sims = cosine_matrix(vectors)
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(len(labels), dtype=bool)
    within = float(sims[same & off].mean())
    across = float(sims[~same].mean())
    np.fill_diagonal(sims, -np.inf)
    best = sims.max(axis=1, keepdims=True)
    tied = sims >= best - 1e-6  # identical vectors tie: credit is the expected accuracy of a random pick
    credit = (tied & same).sum(axis=1) / tied.sum(axis=1)
    return Separation(within, across, float(credit.mean()))


def layer_curve(vectors: np.ndarray, senses: tuple[str, ...]) -> tuple[Separation, ...]:
    """``separation`` at every layer of (N, L+1, D) vectors."""
    return tuple(separation(vectors[:, layer], senses) for layer in range(vectors.shape[1]))
