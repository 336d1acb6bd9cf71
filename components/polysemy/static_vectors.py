"""Static word vectors: GloVe / word2vec readers, the online GloVe source, and a model's own
input-embedding table as the baseline where no static vectors exist for a language.

Design decision: a static space only ever needs a few dozen words (a target and its sense
anchors), so every reader takes an optional ``words`` set and keeps only those rows while it
streams the file. Reading the full 400,000-word GloVe therefore costs one pass over the text and
a few kilobytes of memory, never the 160 MB matrix; results are cached per (file, word set).

Where the vectors come from, in order (``resolve_glove``):
1. an explicit path (``--glove``, any format below);
2. the full GloVe 6B 100d file in the cache, ``$XDG_CACHE_HOME/bertlens/glove/glove.6B.100d.txt``
   (default ``~/.cache/bertlens/glove``), put there once by ``prefetch_glove`` from the
   documented Stanford download (https://nlp.stanford.edu/projects/glove/ ->
   https://nlp.stanford.edu/data/glove.6B.zip) or, if that fails, from the same archive on the
   Hugging Face Hub (``stanfordnlp/glove``, file ``glove.6B.zip``; honours ``HF_ENDPOINT``);
3. ``../shared/data/glove/glove.6B.100d.top2604.txt`` beside the repo: a *truncated* vocabulary
   (the 2,604 most frequent words), enough for the built-in target words but not for every anchor.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
import threading
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "GLOVE_FILE", "GLOVE_HUB", "GLOVE_URL", "GloveMissing", "StaticVectors", "cache_dir", "input_embedding_vectors",
    "load_vectors", "prefetch_glove", "read_vectors", "resolve_glove",
]

GLOVE_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
GLOVE_HUB = ("stanfordnlp/glove", "glove.6B.zip")
GLOVE_FILE = "glove.6B.100d.txt"
REPO = Path(__file__).resolve().parents[2]
SHARED_GLOVE = REPO.parent / "shared" / "data" / "glove" / "glove.6B.100d.top2604.txt"


@dataclass(frozen=True, eq=False)
class StaticVectors:
    """One vector per word, whatever the sentence. ``missing`` names requested words not found."""

    label: str  # what the UI calls this space, e.g. "GloVe 6B 100d (truncated: 2,604 words)"
    words: tuple[str, ...]
    matrix: np.ndarray  # (len(words), D) float32
    missing: tuple[str, ...] = ()
    lowercase: bool = True  # GloVe 6B is lowercased: look words up lowercased

    def key(self, word: str) -> str:
        return word.lower() if self.lowercase else word

    def __contains__(self, word: str) -> bool:
        return self.key(word) in self.words

    def vector(self, word: str) -> np.ndarray:
        try:
            return self.matrix[self.words.index(self.key(word))]
        except ValueError:
            raise KeyError(word) from None

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1]) if self.matrix.ndim == 2 else 0


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bertlens" / "glove"


def _open_text(path: Path) -> io.TextIOBase:
    """A text stream over .txt, .gz or the first .txt member of a .zip (100d preferred)."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    if path.suffix == ".zip":
        archive = zipfile.ZipFile(path)
        members = [n for n in archive.namelist() if n.endswith(".txt")]
        if not members:
            raise ValueError(f"{path} holds no .txt vector file.")
        member = next((n for n in members if n.endswith(GLOVE_FILE)), members[0])
        return io.TextIOWrapper(archive.open(member), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the caller


def _text_rows(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, word, value strings); a word2vec header line ("N D") is skipped."""
    with _open_text(path) as stream:
        for number, line in enumerate(stream, start=1):
            parts = line.rstrip("\n\r ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue
            if len(parts) < 2:
                if line.strip():
                    raise ValueError(f"{path.name} line {number}: expected 'word v1 v2 ...', got {line[:60]!r}.")
                continue
            yield number, parts[0], parts[1:]


def _binary_rows(path: Path) -> Iterator[tuple[int, str, np.ndarray]]:
    """word2vec binary: header "N D\\n", then per word "word " + D little-endian float32."""
    with open(path, "rb") as stream:
        header = stream.readline().split()
        if len(header) != 2 or not all(h.isdigit() and int(h) > 0 for h in header):
            raise ValueError(f"{path.name} line 1: a word2vec binary file starts with 'N D' (two positive "
                             f"integers), not {b' '.join(header)[:40]!r}.")
        count, dim = int(header[0]), int(header[1])
        for number in range(2, count + 2):
            word = bytearray()
            while (ch := stream.read(1)) != b" ":
                if not ch:
                    raise ValueError(f"{path.name} entry {number - 1}: file ends inside a word.")
                if ch != b"\n":
                    word += ch
            raw = stream.read(4 * dim)
            if len(raw) != 4 * dim:
                raise ValueError(f"{path.name} entry {number - 1}: file ends inside a vector.")
            yield number, word.decode("utf-8", errors="replace"), np.frombuffer(raw, dtype="<f4")


def read_vectors(path: str | Path, words: Iterable[str] | None = None, *, lowercase: bool = True,
                 label: str | None = None) -> StaticVectors:
    """Read GloVe text (.txt/.gz/.zip) or word2vec text/binary (.bin); keep only ``words`` if given.

    Ragged rows (a vector whose length differs from the first) raise ValueError with the line.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ValueError(f"No vector file at {path}. Give a GloVe/word2vec file or run `python app.py prefetch`.")
    wanted = None if words is None else {(w.lower() if lowercase else w) for w in words}
    binary = path.suffix == ".bin"
    try:
        found, dim = _collect(path, _binary_rows(path) if binary else _text_rows(path), wanted)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # not gzip/zip, truncated, unreadable
        raise ValueError(f"{path.name} cannot be read as {'word2vec binary' if binary else 'GloVe/word2vec text'}"
                         f" ({type(exc).__name__}: {str(exc)[:120]}). Give an uncorrupted vector file.") from exc
    if dim is None:
        raise ValueError(f"{path.name} holds no vectors.")
    order = tuple(found) if wanted is None else tuple(w for w in dict.fromkeys(
        (w.lower() if lowercase else w) for w in words) if w in found)
    matrix = np.stack([found[w] for w in order]) if order else np.zeros((0, dim), np.float32)
    missing = () if words is None else tuple(w for w in dict.fromkeys(words)
                                             if (w.lower() if lowercase else w) not in found)
    return StaticVectors(label=label or path.name, words=order, matrix=matrix, missing=missing,
                         lowercase=lowercase)


def _collect(path: Path, rows: Iterable[tuple[int, str, Any]],
             wanted: set[str] | None) -> tuple[dict[str, np.ndarray], int | None]:
    """The wanted rows (all when None) and the dimension; ragged or non-numeric rows raise ValueError."""
    found: dict[str, np.ndarray] = {}
    dim = None
    for number, word, values in rows:
        if dim is None:
            dim = len(values)
        elif len(values) != dim:
            raise ValueError(f"{path.name} line {number}: {len(values)} values where earlier lines have {dim}.")
        if wanted is not None and word not in wanted:
            continue
        if word in found:
            continue  # the first (most frequent) row of a repeated word wins
        try:
            vector = np.asarray(values, dtype=np.float32)
        except ValueError:
            raise ValueError(f"{path.name} line {number}: the vector for {word!r} has non-numbers.") from None
        if not np.isfinite(vector).all():
            raise ValueError(f"{path.name} line {number}: the vector for {word!r} has inf or NaN.")
        found[word] = vector
        if wanted is not None and len(found) == len(wanted):
            break
    return found, dim


def resolve_glove(explicit: str | None = None) -> tuple[Path, str]:
    """(file, label) by the documented order: explicit path, cached full GloVe, shared subset."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ValueError(f"--glove {explicit}: no such file.")
        return path, f"static vectors from {path.name}"
    full = cache_dir() / GLOVE_FILE
    if full.is_file():
        return full, "GloVe 6B 100d (400,000 words)"
    if SHARED_GLOVE.is_file():
        return SHARED_GLOVE, "GloVe 6B 100d, truncated to its 2,604 most frequent words"
    raise GloveMissing("No GloVe vectors on this machine. Run `python app.py prefetch glove` with internet "
                       "access, or start the app with --glove FILE.")


class GloveMissing(ValueError):
    """No GloVe file anywhere in the lookup order (not an unreadable one: that is a plain ValueError)."""


_cache: dict[tuple[str, frozenset[str]], StaticVectors] = {}
_lock = threading.Lock()


def load_vectors(words: Iterable[str], explicit: str | None = None) -> StaticVectors:
    """The requested words from the resolved GloVe source, cached per (file, word set)."""
    words = tuple(dict.fromkeys(words))
    path, label = resolve_glove(explicit)
    key = (str(path), frozenset(words))
    with _lock:
        if key not in _cache:
            vectors = read_vectors(path, words, label=label)
            _cache[key] = StaticVectors(label, vectors.words, vectors.matrix, vectors.missing, vectors.lowercase)
        return _cache[key]


def input_embedding_vectors(model, words: Iterable[str]) -> StaticVectors:
    """Each word as the mean of its pieces' rows in the model's input-embedding table.

    Static and context-free by construction (no position, no segment, no attention). A word whose
    pieces are all [UNK] is reported missing rather than given the [UNK] row.
    """
    tok = model.tokenizer
    table = model.encoder.get_input_embeddings().weight.detach().float().numpy()
    kept, rows, missing = [], [], []
    for word in dict.fromkeys(words):
        ids = tok(word, add_special_tokens=False)["input_ids"]
        ids = [i for i in ids if i != tok.unk_token_id]
        if not ids:
            missing.append(word)
            continue
        kept.append(word)
        rows.append(table[ids].mean(axis=0))
    matrix = np.stack(rows) if rows else np.zeros((0, table.shape[1]), np.float32)
    return StaticVectors(label=f"input-embedding table of {model.name} (static: one row per piece, no context)",
                         words=tuple(kept), matrix=matrix, missing=tuple(missing), lowercase=False)


def prefetch_glove(timeout: float = 60.0) -> Path:
    """Download GloVe 6B once and keep its 100d file in ``cache_dir()``; returns that file."""
    target = cache_dir() / GLOVE_FILE
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        archive = Path(tmp) / "glove.6B.zip"
        try:
            with urllib.request.urlopen(GLOVE_URL, timeout=timeout) as response, open(archive, "wb") as out:
                shutil.copyfileobj(response, out, length=1 << 20)
        except OSError as first:
            try:
                from huggingface_hub import hf_hub_download

                archive = Path(hf_hub_download(GLOVE_HUB[0], GLOVE_HUB[1]))
            except Exception as second:  # noqa: BLE001 - network failures come in many types
                raise ValueError(f"Could not download GloVe from {GLOVE_URL} ({first}) nor from the Hub "
                                 f"({GLOVE_HUB[0]}: {second}). Use --glove FILE instead.") from second
        with zipfile.ZipFile(archive) as zf, zf.open(GLOVE_FILE) as src, open(Path(tmp) / GLOVE_FILE, "wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
        os.replace(Path(tmp) / GLOVE_FILE, target)  # atomic: a half-written file is never "cached"
    return target
