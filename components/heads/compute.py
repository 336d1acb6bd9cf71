"""Head roles over a corpus: for every layer and head, where its attention goes on average.

Definitions (fixed; the JSON of ``python app.py heads`` and ``/heads`` uses the same): each
sentence is encoded alone as ``[CLS] s [SEP]``; for every query position i (specials included),
with a that head's attention row: cls = a[CLS]; sep = sum of a over the [SEP] positions; punct =
sum of a over the pieces made only of Unicode punctuation (specials excluded, full-width marks
count); self = a[i]; prev = a[i-1] and next = a[i+1] over the positions that have one; entropy =
-sum a ln a (nats). Each is averaged over every query position of every sentence (token-weighted).

Design decision: the pass keeps *sums and counts*, not per-sentence means, so the corpus mean is
exactly the token-weighted mean whatever the batching; it runs sentences sorted by length in
padded batches (padding is masked, so a padded row equals the unpadded one), and the result is
kept on disk keyed by model, corpus hash and ``CODE_VERSION``, so the second class waits for
nothing. A role is the head's largest share when it exceeds ``ROLE_THRESHOLD``, else "broad".
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from components.core.analysis import require_language
from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.core.models import LoadedModel
from components.core.numbering import NUMBERING
from components.core.text import normalize_text

__all__ = [
    "CODE_VERSION", "MAX_SENTENCES", "ROLE_THRESHOLD", "ROLES", "SHARES", "STATS", "HeadRoles", "builtin_corpus",
    "cache_dir", "corpus_hash", "head_roles", "is_punct_piece", "parse_corpus", "sentence_sums",
]

log = logging.getLogger("bertlens")

CODE_VERSION = 1  # bump when the definitions or the file format change: old cache files are then ignored
MAX_SENTENCES = 1000  # pasted or file corpora; said on screen
ROLE_THRESHOLD = 0.5
SHARES = ("cls", "sep", "punct", "self", "prev", "next")
STATS = (*SHARES, "entropy")
ROLES = (*SHARES, "broad")
BATCH = 32
BATCH_CELLS = 32 * 64 * 64  # batch x length^2 bound: long sentences go in smaller batches (attention memory)
ASSETS = Path(__file__).resolve().parents[2] / "assets" / "heads"
Progress = Callable[[int, int], None]

_results: Cache[HeadRoles] = Cache("head_roles", max_entries=8)


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/bertlens/heads`` (default ``~/.cache/bertlens/heads``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bertlens" / "heads"


def is_punct_piece(piece: str) -> bool:
    """A piece made only of Unicode punctuation (category P*): ``.`` ``,`` ``，`` ``。`` ``?!`` (a WordPiece
    ``##`` continuation mark is not part of the piece's text)."""
    text = piece[2:] if piece.startswith("##") and len(piece) > 2 else piece
    return bool(text) and all(unicodedata.category(ch).startswith("P") for ch in text)


def builtin_corpus(language: str) -> list[str]:
    """The corpus written for this project, in the model's language ("zh" or else English)."""
    name = "corpus_zh.txt" if language == "zh" else "corpus_en.txt"
    return parse_corpus((ASSETS / name).read_text(encoding="utf-8"))


def parse_corpus(text: str | None, cap: int = MAX_SENTENCES) -> list[str]:
    """One sentence a line (blank lines skipped); ``UserError`` when none is left or over ``cap``."""
    lines = [normalize_text(line) for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise UserError("heads_empty")
    if len(lines) > cap:
        raise UserError("heads_too_many", n=f"{len(lines):,}", cap=f"{cap:,}")
    return lines


def corpus_hash(sentences: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:24]


def sentence_sums(att: np.ndarray, cls_pos: Sequence[int], sep_pos: Sequence[int],
                  punct_pos: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(sums [L, H, 7], counts [7]) of one sentence's attention ``att`` [L, H, T, T] over its query
    positions, in the order of ``STATS``."""
    n = att.shape[-1]
    sums = np.zeros((*att.shape[:2], len(STATS)), dtype=np.float64)
    att = att.astype(np.float64)
    sums[..., 0] = att[..., list(cls_pos)].sum(axis=(-1, -2))
    sums[..., 1] = att[..., list(sep_pos)].sum(axis=(-1, -2))
    sums[..., 2] = att[..., list(punct_pos)].sum(axis=(-1, -2)) if len(punct_pos) else 0.0
    sums[..., 3] = np.trace(att, axis1=-2, axis2=-1)
    sums[..., 4] = np.trace(att, offset=-1, axis1=-2, axis2=-1)  # a[i, i-1]
    sums[..., 5] = np.trace(att, offset=1, axis1=-2, axis2=-1)  # a[i, i+1]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(att > 0, att * np.log(np.where(att > 0, att, 1.0)), 0.0)
    sums[..., 6] = -terms.sum(axis=(-1, -2))
    counts = np.array([n, n, n, n, n - 1, n - 1, n], dtype=np.float64)
    return sums, counts


@dataclass(frozen=True)
class HeadRoles:
    """Corpus means per head; layers and heads indexed from 0 here, shown from 1 everywhere."""

    model_name: str
    sentences: tuple[str, ...]
    tokens: int  # query positions counted (specials included)
    means: np.ndarray  # [L, H, 7] in the order of STATS
    best: np.ndarray  # [L, H, 7] index of the sentence where each statistic is highest (its per-sentence mean)
    truncated: tuple[int, ...]  # 1-based line numbers of sentences longer than the model reads
    max_length: int
    from_disk: bool = False

    @property
    def n_layers(self) -> int:
        return int(self.means.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self.means.shape[1])

    def role(self, layer: int, head: int) -> str:
        shares = self.means[layer, head, :len(SHARES)]
        top = int(np.argmax(shares))
        return SHARES[top] if shares[top] > ROLE_THRESHOLD else "broad"

    def role_counts(self) -> dict[str, int]:
        """How many heads have each role, in the order of ROLES (roles no head has left out)."""
        roles = [self.role(layer, head) for layer in range(self.n_layers) for head in range(self.n_heads)]
        return {role: roles.count(role) for role in ROLES if role in roles}

    def strongest(self, layer: int, head: int) -> tuple[str, float]:
        """(sentence where the head's role is strongest, that sentence's mean of it); for a broad head,
        the sentence where its attention is most spread (highest entropy)."""
        role = self.role(layer, head)
        index = STATS.index("entropy" if role == "broad" else role)
        return self.sentences[int(self.best[layer, head, index])], float(self.means[layer, head, index])

    def by_layer(self) -> np.ndarray:
        """[L, 7]: each statistic averaged over the heads of a layer."""
        return self.means.mean(axis=1)

    def to_json(self) -> dict:
        heads = []
        for layer in range(self.n_layers):
            for head in range(self.n_heads):
                row = {"layer": layer + 1, "head": head + 1}
                row.update({name: round(float(self.means[layer, head, k]), 6) for k, name in enumerate(STATS)})
                row["role"] = self.role(layer, head)
                heads.append(row)
        return {"model": self.model_name, "sentences": len(self.sentences), "tokens": self.tokens, "heads": heads,
                "truncated_lines": list(self.truncated), "role_rule": f"largest share > {ROLE_THRESHOLD}, else broad",
                "numbering": NUMBERING}

    def warnings(self) -> list[Msg]:
        if not self.truncated:
            return []
        lines = ", ".join(str(n) for n in self.truncated[:10]) + (" …" if len(self.truncated) > 10 else "")
        return [Msg("heads_truncated", n=len(self.truncated), lines=lines, limit=self.max_length)]


def _special_positions(tokenizer, ids: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    specials = set(tokenizer.all_special_ids)
    pieces = tokenizer.convert_ids_to_tokens(list(ids))
    cls_pos = [i for i, t in enumerate(ids) if t == cls_id]
    sep_pos = [i for i, t in enumerate(ids) if t == sep_id]
    punct_pos = [i for i, (t, p) in enumerate(zip(ids, pieces)) if t not in specials and is_punct_piece(p)]
    return cls_pos, sep_pos, punct_pos


def _batches(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Consecutive runs of ``order`` (sorted by length) of at most BATCH sentences and BATCH_CELLS cells."""
    batches: list[list[int]] = [[]]
    for index in order:
        grown = len(batches[-1]) + 1
        if batches[-1] and (grown > BATCH or grown * lengths[index] ** 2 > BATCH_CELLS):
            batches.append([])
        batches[-1].append(index)
    return [b for b in batches if b]


def _compute(model: LoadedModel, sentences: tuple[str, ...], progress: Progress | None) -> HeadRoles:
    tok = model.tokenizer
    limit = int(model.max_length)
    full = [len(ids) for ids in tok(list(sentences), add_special_tokens=True)["input_ids"]]
    truncated = tuple(i + 1 for i, n in enumerate(full) if n > limit)
    order = sorted(range(len(sentences)), key=lambda i: full[i])  # similar lengths share a batch: less padding
    sums = counts = best = best_value = None
    done = 0
    for chunk in _batches(order, [min(n, limit) for n in full]):
        enc = tok([sentences[i] for i in chunk], padding=True, truncation=True, max_length=limit, return_tensors="pt")
        with torch.inference_mode():
            _, attentions, _ = model.run(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids"),
                                         attentions=True)
        if not attentions or any(a is None for a in attentions):
            raise UserError("heads_no_attentions", model=model.name)
        att = torch.stack(attentions, dim=1).float().numpy()  # [B, L, H, T, T]
        lengths = enc["attention_mask"].sum(dim=1).tolist()
        for row, index in enumerate(chunk):
            n = int(lengths[row])
            ids = enc["input_ids"][row, :n].tolist()
            s, c = sentence_sums(att[row, :, :, :n, :n], *_special_positions(tok, ids))
            if sums is None:
                sums, counts = np.zeros_like(s), np.zeros_like(c)
                best = np.zeros(s.shape, dtype=np.int64)
                best_value = np.full(s.shape, -np.inf)
            sums += s
            counts += c
            mean = s / np.maximum(c, 1)
            better = mean > best_value
            best[better], best_value[better] = index, mean[better]
        done += len(chunk)
        if progress is not None:
            progress(done, len(sentences))
    return HeadRoles(model_name=model.name, sentences=sentences, tokens=int(counts[0]),
                     means=sums / np.maximum(counts, 1), best=best, truncated=truncated, max_length=limit)


def _disk_key(model: LoadedModel, sentences: tuple[str, ...]) -> str:
    raw = json.dumps([model.name, str(model.source), corpus_hash(sentences), CODE_VERSION, int(model.max_length)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


def _load(path: Path, model: LoadedModel, sentences: tuple[str, ...]) -> HeadRoles | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["version"] != CODE_VERSION or data["corpus"] != corpus_hash(sentences):
            return None
        return HeadRoles(model_name=model.name, sentences=sentences, tokens=int(data["tokens"]),
                         means=np.array(data["means"], dtype=np.float64), best=np.array(data["best"], dtype=np.int64),
                         truncated=tuple(data["truncated"]), max_length=int(data["max_length"]), from_disk=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: computed again


def _save(path: Path, roles: HeadRoles) -> None:
    data = {"version": CODE_VERSION, "model": roles.model_name, "corpus": corpus_hash(roles.sentences),
            "tokens": roles.tokens, "means": roles.means.tolist(), "best": roles.best.tolist(),
            "truncated": list(roles.truncated), "max_length": roles.max_length}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # atomic: a second process never reads half a file
    except OSError as exc:
        log.warning("head roles not cached on disk (%s)", exc)


def head_roles(model: LoadedModel, sentences: Sequence[str] | None = None, *,
               progress: Progress | None = None, use_disk: bool = True) -> HeadRoles:
    """Head roles of ``model`` over ``sentences`` (default: the built-in corpus in its language);
    from memory, else from the disk cache, else computed (single flight) and saved."""
    sentences = tuple(sentences) if sentences is not None else tuple(builtin_corpus(model.language))
    if not sentences:
        raise UserError("heads_empty")
    require_language(model, *sentences)
    key = _disk_key(model, sentences)
    path = cache_dir() / f"{key}.json"

    def compute() -> HeadRoles:
        cached = _load(path, model, sentences) if use_disk else None
        if cached is not None:
            return cached
        roles = _compute(model, sentences, progress)
        if use_disk:
            _save(path, roles)
        return roles

    return _results.get_or_compute((key, use_disk), compute)
