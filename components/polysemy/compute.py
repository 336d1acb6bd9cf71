"""Polysemy: one target word in many labelled sentences -> one vector per occurrence per layer.

Design decision: a target is always a *character span* of the cleaned sentence, located here and
handed to ``analysis.char_span_to_tokens`` (the one span->token function), whose pieces are
mean-pooled. So a word split into WordPieces, a Chinese word of two characters (苹果 = 苹 + 果),
accents stripped by an uncased vocabulary and a repeated word all take the same path, and a
target that is absent or only [UNK] is an error naming the line, never a guess.

Locating the first occurrence folds case (and accents, when the tokenizer strips them) for
uncased models; a Latin-script target must start and end on a word boundary, except for the
inflections -s, -es, -ed, -ing ("banks" is found for "bank", "embankment" is not).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from components.core.analysis import MAX_CHARS, analyze, char_span_to_tokens, clean_text, normalize_text
from components.core.models import LoadedModel
from components.polysemy.static_vectors import GloveMissing, StaticVectors, input_embedding_vectors, load_vectors

__all__ = [
    "MAX_SENTENCES", "MAX_TARGET", "SETS_DIR", "BuiltinSet", "Line", "Occurrences", "Separation", "builtin_sets",
    "clean_target", "cosine_matrix",
    "layer_curve", "locate", "occurrence_vectors", "parse_lines", "parse_span", "separation",
    "static_space", "word_vectors",
]

SETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "polysemy"
SUFFIXES = ("", "s", "es", "ed", "ing")
MAX_SENTENCES = 64  # each sentence is one forward pass; the built-in sets have 16-20
MAX_TARGET = 100  # a word or a short phrase


@dataclass(frozen=True)
class BuiltinSet:
    key: str
    target: str
    language: str
    lines: tuple[tuple[str, str], ...]  # (sense, sentence)
    anchors: tuple[tuple[str, tuple[str, ...]], ...]  # (sense, anchor words)

    def as_text(self) -> str:
        return "\n".join(f"{sense} | {text}" for sense, text in self.lines)

    @property
    def anchor_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for _, words in self.anchors for w in words))


def builtin_sets(folder: Path = SETS_DIR) -> dict[str, BuiltinSet]:
    """The sets shipped in assets/polysemy/*.json, keyed by file stem."""
    sets = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        senses = data["senses"]
        sets[path.stem] = BuiltinSet(
            key=path.stem, target=data["target"], language=data["language"],
            lines=tuple((s, t) for s, v in senses.items() for t in v["sentences"]),
            anchors=tuple((s, tuple(v["anchors"])) for s, v in senses.items()),
        )
    return sets


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the pasted text
    sense: str
    text: str  # cleaned exactly as the model reads it
    span: tuple[int, int] | None  # explicit target span, if the line gives one


def parse_span(raw: str | None, where: str = "span") -> tuple[int, int] | None:
    """'12:16' -> (12, 16); empty -> None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        start, end = (int(p) for p in raw.split(":"))
    except ValueError:
        raise ValueError(f"The {where} '{raw[:30]}' should be start:end in characters, e.g. 4:8.") from None
    if not 0 <= start < end:
        raise ValueError(f"The {where} '{raw[:30]}' is empty or negative: start must be smaller than end.")
    return start, end


def parse_lines(text: str) -> list[Line]:
    """Parse ``sense | sentence`` (optionally ``| start:end``) lines; blank and # lines are skipped."""
    text = text or ""
    if len(text) > MAX_CHARS:
        raise ValueError(f"The sentences have {len(text):,} characters; paste at most {MAX_CHARS:,} "
                         f"(up to {MAX_SENTENCES} sentences).")
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if len(lines) == MAX_SENTENCES:
            raise ValueError(f"Line {number}: give at most {MAX_SENTENCES} sentences (BERT reads each one "
                             "separately, so more would keep the whole class waiting).")
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise ValueError(f"Line {number} should read 'sense | sentence' (optionally '| start:end'): {raw[:80]!r}")
        span = parse_span(parts[2], f"span on line {number}") if len(parts) == 3 else None
        lines.append(Line(number, parts[0], clean_text(parts[1], f"sentence on line {number}"), span))
    if len(lines) < 2:
        raise ValueError("Give at least two sentences, one per line, as 'sense | sentence'.")
    return lines


def clean_target(raw: str | None) -> str:
    """The target word as the sentences are cleaned; ValueError when empty or longer than a short phrase."""
    target = normalize_text(raw or "")
    if not target:
        raise ValueError("Type the target word (e.g. bank, 苹果).")
    if len(target) > MAX_TARGET:
        raise ValueError(f"The target has {len(target):,} characters: type one word or a short phrase "
                         f"(at most {MAX_TARGET} characters).")
    return target


def _folder(model: LoadedModel):
    """How the tokenizer normalises text before matching: (lowercase, strip accents)."""
    tok = model.tokenizer
    lower = bool(getattr(tok, "do_lower_case", False))
    strip = getattr(tok, "init_kwargs", {}).get("strip_accents")
    return lower, bool(strip) or (strip is None and lower)


def _fold(text: str, lower: bool, strip: bool) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    out, where = [], []
    for i, ch in enumerate(text):
        piece = unicodedata.normalize("NFD", ch) if strip else ch
        if strip:
            piece = "".join(c for c in piece if unicodedata.category(c) != "Mn")
        if lower:
            piece = piece.lower()
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


def _wordish(ch: str) -> bool:
    return ch.isalnum() and ord(ch) < 0x2E80  # CJK and later scripts have no spaces between words


def locate(text: str, target: str, *, lower: bool = True, strip: bool = True) -> tuple[int, int]:
    """Character span of the first occurrence of ``target`` in ``text`` (see module docstring)."""
    target = unicodedata.normalize("NFC", (target or "").strip())
    if not target:
        raise ValueError("Type the target word (e.g. bank, 苹果).")
    for exact in (True, False):  # a cased model still finds 'Spring' for 'spring'
        hay, where = _fold(text, lower or not exact, strip)
        needle, _ = _fold(target, lower or not exact, strip)
        pos = hay.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            before_ok = pos == 0 or not (_wordish(hay[pos - 1]) and _wordish(needle[0]))
            tail = ""
            while end + len(tail) < len(hay) and _wordish(hay[end + len(tail)]) and _wordish(needle[-1]):
                tail += hay[end + len(tail)]
            if before_ok and tail in SUFFIXES:
                return where[pos], where[end - 1] + 1
            pos = hay.find(needle, pos + 1)
    raise ValueError(f"'{target}' is not in the sentence '{text[:60]}'.")


@dataclass(frozen=True, eq=False)
class Occurrences:
    """Where the target is in each sentence and its mean-pooled vector at every layer."""

    lines: tuple[Line, ...]
    spans: tuple[tuple[int, int], ...]
    pieces: tuple[tuple[str, ...], ...]  # the model's pieces pooled for each occurrence
    vectors: np.ndarray  # (N, L+1, D)

    @property
    def senses(self) -> tuple[str, ...]:
        return tuple(line.sense for line in self.lines)


def occurrence_vectors(model: LoadedModel, lines: list[Line], target: str,
                       span: tuple[int, int] | None = None) -> Occurrences:
    """Pool the target's pieces per layer in every line; errors name the line."""
    lower, strip = _folder(model)
    spans, pieces, vectors = [], [], []
    for line in lines:
        try:
            start, end = line.span or span or locate(line.text, target, lower=lower, strip=strip)
            analysis = analyze(model, line.text)
            index = char_span_to_tokens(analysis, start, end)
        except ValueError as exc:
            raise ValueError(f"Line {line.number}: {exc}") from None
        spans.append((start, end))
        pieces.append(tuple(analysis.tokens[i] for i in index))
        vectors.append(analysis.hidden_states[:, index].mean(axis=1))
    return Occurrences(tuple(lines), tuple(spans), tuple(pieces), np.stack(vectors).astype(np.float32))


def word_vectors(model: LoadedModel, words: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray, tuple[str, ...]]:
    """Anchor words each encoded alone: (kept words, (M, L+1, D), words that were only [UNK])."""
    kept, rows, missing = [], [], []
    for word in words:
        analysis = analyze(model, word)
        try:
            index = char_span_to_tokens(analysis, 0, len(analysis.text))
        except ValueError:
            missing.append(word)
            continue
        kept.append(word)
        rows.append(analysis.hidden_states[:, index].mean(axis=1))
    config = model.config
    empty = (0, config.num_hidden_layers + 1, config.hidden_size)
    matrix = np.stack(rows) if rows else np.zeros(empty, np.float32)
    return tuple(kept), matrix.astype(np.float32), tuple(missing)


def static_space(model: LoadedModel, language: str, words: tuple[str, ...], glove: str | None) -> StaticVectors:
    """GloVe for English; elsewhere, or where no GloVe file exists at all (a fresh Space), the
    model's input-embedding table, labelled as exactly that and saying how to get GloVe."""
    if language == "en":
        try:
            return load_vectors(words, glove)
        except GloveMissing as exc:
            table = input_embedding_vectors(model, words)
            return replace(table, label=f"{table.label}; GloVe is not on this machine: {exc}")
    return input_embedding_vectors(model, words)


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)
    return np.clip(unit @ unit.T, -1.0, 1.0)


@dataclass(frozen=True)
class Separation:
    within: float  # mean cosine between occurrences of the same sense
    across: float  # mean cosine between occurrences of different senses
    knn_accuracy: float  # leave-one-out 1-nearest-neighbour sense accuracy (ties share credit)

    @property
    def gap(self) -> float:
        return self.within - self.across


def separation(vectors: np.ndarray, senses: tuple[str, ...]) -> Separation:
    """Within- minus across-sense cosine and LOO 1-NN accuracy for (N, D) vectors."""
    labels = np.asarray(senses)
    if len(set(senses)) < 2:
        raise ValueError("Label at least two senses to measure how far apart they are.")
    sims = cosine_matrix(vectors.astype(np.float64))
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(len(labels), dtype=bool)
    within = float(sims[same & off].mean()) if (same & off).any() else float("nan")
    across = float(sims[~same].mean())
    np.fill_diagonal(sims, -np.inf)
    best = sims.max(axis=1, keepdims=True)
    tied = sims >= best - 1e-6  # identical vectors tie: credit is the expected accuracy of a random pick
    credit = (tied & same).sum(axis=1) / tied.sum(axis=1)
    return Separation(within, across, float(credit.mean()))


def layer_curve(vectors: np.ndarray, senses: tuple[str, ...]) -> tuple[Separation, ...]:
    """``separation`` at every layer of (N, L+1, D) vectors."""
    return tuple(separation(vectors[:, layer], senses) for layer in range(vectors.shape[1]))
