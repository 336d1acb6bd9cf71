"""Static word vectors: where GloVe comes from, looking words up in it, and a model's own
input-embedding table as the baseline where no static vectors exist for a language.

Design decision: two bounded, single-flight caches and no other lock. ``_files`` holds the index
of each vector file (``vector_files.index_file``: built once, lazily, by the first request that
needs it, while other requests wait for that one build instead of scanning too); ``_vectors``
holds single words, keyed by (file, word) and bounded by entries, so the words students type can
never grow it without bound, and a new word costs one seek into the file, not a scan.

Where the vectors come from, in order (``resolve_glove``):
1. an explicit path (``--glove``, any format ``vector_files`` reads);
2. the full GloVe 6B 100d file in the cache, ``$XDG_CACHE_HOME/bertlens/glove/glove.6B.100d.txt``
   (default ``~/.cache/bertlens/glove``), put there once by ``prefetch_glove`` from the
   documented Stanford download (https://nlp.stanford.edu/projects/glove/ ->
   https://nlp.stanford.edu/data/glove.6B.zip) or, if that fails, from the same archive on the
   Hugging Face Hub (``stanfordnlp/glove``, file ``glove.6B.zip``; honours ``HF_ENDPOINT``);
3. ``../shared/data/glove/glove.6B.100d.top2604.txt`` beside the repo: a *truncated* vocabulary
   (the 2,604 most frequent words), enough for the built-in target words but not for every anchor.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.core.cache import Cache
from components.core.messages import Msg, UserError
from components.polysemy.vector_files import GLOVE_FILE, VectorFile, index_file

__all__ = [
    "GLOVE_FILE", "GLOVE_HUB", "GLOVE_URL", "GloveMissing", "StaticVectors", "cache_dir", "input_embedding_vectors",
    "load_vectors", "prefetch_glove", "read_vectors", "resolve_glove", "vector_file",
]

GLOVE_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
GLOVE_HUB = ("stanfordnlp/glove", "glove.6B.zip")
REPO = Path(__file__).resolve().parents[2]
SHARED_GLOVE = REPO.parent / "shared" / "data" / "glove" / "glove.6B.100d.top2604.txt"
_ABSENT = np.zeros(0, dtype=np.float32)  # a word the file does not have (cached too: students retype them)

_files: Cache[VectorFile] = Cache("static_vector_files", max_entries=4, max_bytes=600_000_000,
                                  size=lambda f: f.nbytes)
_vectors: Cache[np.ndarray] = Cache("static_vectors", max_entries=4096)


@dataclass(frozen=True, eq=False)
class StaticVectors:
    """One vector per word, whatever the sentence. ``missing`` names requested words not found."""

    label: Msg  # what the UI calls this space, e.g. "GloVe 6B 100d (truncated: 2,604 words)"
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


class GloveMissing(UserError):
    """No GloVe file anywhere in the lookup order (not an unreadable one: that is another UserError)."""

    def __init__(self) -> None:
        super().__init__("poly_glove_missing")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bertlens" / "glove"


def _indexed(path: str | Path) -> tuple[tuple, VectorFile]:
    path = Path(path).expanduser()
    if not path.is_file():
        raise UserError("poly_vec_no_file", path=str(path))
    stat = path.stat()
    version = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return version, _files.get_or_compute(version, lambda: index_file(path))


def vector_file(path: str | Path) -> VectorFile:
    """The index of ``path``, built once per version of the file (single flight)."""
    return _indexed(path)[1]


def _lookup(version: tuple, index: VectorFile, word: str) -> np.ndarray | None:
    found = _vectors.get_or_compute((*version, word), lambda: _found_or_absent(index.lookup(word)))
    return None if found is _ABSENT else found


def _found_or_absent(vector: np.ndarray | None) -> np.ndarray:
    return _ABSENT if vector is None else vector


def read_vectors(path: str | Path, words: Iterable[str] | None = None, *, lowercase: bool = True,
                 label: Msg | None = None) -> StaticVectors:
    """GloVe text (.txt/.gz/.zip) or word2vec text/binary (.bin); only ``words`` if given, else every word.

    A malformed file raises UserError naming the file and the line.
    """
    version, index = _indexed(path)
    label = label or Msg("poly_static_file", file=index.path.name)
    if words is None:
        rows = list(index.all_rows())
        matrix = np.stack([v for _, v in rows]) if rows else np.zeros((0, index.dim), np.float32)
        return StaticVectors(label, tuple(w for w, _ in rows), matrix, (), lowercase)
    requested = list(dict.fromkeys(words))
    found: dict[str, np.ndarray] = {}
    missing = []
    for word in requested:
        key = word.lower() if lowercase else word
        vector = found.get(key)
        if vector is None:
            vector = _lookup(version, index, key)
        if vector is None:
            missing.append(word)
        else:
            found[key] = vector
    matrix = np.stack(list(found.values())) if found else np.zeros((0, index.dim), np.float32)
    return StaticVectors(label, tuple(found), matrix, tuple(missing), lowercase)


def resolve_glove(explicit: str | None = None) -> tuple[Path, Msg]:
    """(file, label) by the documented order: explicit path, cached full GloVe, shared subset."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UserError("poly_glove_no_such_file", path=explicit)
        return path, Msg("poly_static_file", file=path.name)
    full = cache_dir() / GLOVE_FILE
    if full.is_file():
        return full, Msg("poly_static_glove_full")
    if SHARED_GLOVE.is_file():
        return SHARED_GLOVE, Msg("poly_static_glove_shared")
    raise GloveMissing()


def load_vectors(words: Iterable[str], explicit: str | None = None) -> StaticVectors:
    """The requested words from the resolved GloVe source."""
    path, label = resolve_glove(explicit)
    return read_vectors(path, words, label=label)


def input_embedding_vectors(model, words: Iterable[str]) -> StaticVectors:
    """Each word as the mean of its pieces' rows in the model's input-embedding table.

    Static and context-free by construction (no position, no segment, no attention). A word whose
    pieces are all [UNK] is reported missing rather than given the [UNK] row.
    """
    tok = model.tokenizer
    table = model.encoder.get_input_embeddings().weight
    kept, rows, missing = [], [], []
    for word in dict.fromkeys(words):
        ids = [i for i in tok(word, add_special_tokens=False)["input_ids"] if i != tok.unk_token_id]
        if not ids:
            missing.append(word)
            continue
        kept.append(word)
        rows.append(table[ids].detach().float().numpy().mean(axis=0))
    matrix = np.stack(rows) if rows else np.zeros((0, table.shape[1]), np.float32)
    name = model.name.rstrip("/").rsplit("/", 1)[-1]  # a local folder by its own name, a Hub id without owner
    return StaticVectors(label=Msg("poly_static_table", model=name), words=tuple(kept), matrix=matrix,
                         missing=tuple(missing), lowercase=False)


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
                raise UserError("poly_glove_download", url=GLOVE_URL, first=str(first)[:200], hub=GLOVE_HUB[0],
                                second=str(second)[:200]) from second
        with zipfile.ZipFile(archive) as zf, zf.open(GLOVE_FILE) as src, open(Path(tmp) / GLOVE_FILE, "wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
        os.replace(Path(tmp) / GLOVE_FILE, target)  # atomic: a half-written file is never "cached"
    return target
