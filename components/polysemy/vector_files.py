"""GloVe and word2vec files: an index of each file's words, built once, then one row per lookup.

Design decision: a static space needs a few dozen words out of a vocabulary of 400,000, and the
words come from what students type. So a file is scanned *once*, the first time any word is
looked up in it, into a compact index: every word's 64-bit hash, sorted, next to the byte offset
of its row. A lookup is a binary search, a seek and one parsed line: a new word never rescans
the file, and the index costs ~20 bytes per vocabulary word (8 MB for GloVe 6B), never the
160 MB matrix. Hashes are Python's own (valid inside this process); a match is confirmed by the
word written on the row, so a collision cannot return another word's vector. Compressed files
(.gz, .zip) cannot seek cheaply: they are parsed whole, once, and their rows kept in memory
(``prefetch glove`` stores GloVe uncompressed). Who builds the index once, and keeps it, is the
caller's business (``static_vectors`` keeps it in a single-flight ``Cache``).

Formats: GloVe text (.txt, .gz, the first .txt of a .zip, 100d preferred), word2vec text (a "N D"
header line) and word2vec binary (.bin). A ragged or malformed row names its file and line.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.core.messages import Msg, UserError

__all__ = ["GLOVE_FILE", "VectorFile", "index_file"]

GLOVE_FILE = "glove.6B.100d.txt"
_hash = hash  # one name for the index and the lookups (a test forces collisions through it)


@dataclass(frozen=True, eq=False)
class VectorFile:
    """The index of one vector file (see the module docstring)."""

    path: Path
    dim: int
    binary: bool
    hashes: np.ndarray  # (V,) int64, sorted
    rows: np.ndarray  # (V,) row id of each hash; equal hashes keep file order (the first row of a word wins)
    offsets: np.ndarray | None  # (V,) byte offset of each row id (seekable files)
    lines: np.ndarray  # (V,) line (text) or entry (binary) number of each row id, for messages
    words: tuple[str, ...] | None = None  # compressed files: row id -> word
    matrix: np.ndarray | None = None  # compressed files: row id -> vector

    @property
    def size(self) -> int:
        return len(self.hashes)

    @property
    def nbytes(self) -> int:
        arrays = (self.hashes, self.rows, self.offsets, self.lines, self.matrix)
        return sum(int(a.nbytes) for a in arrays if a is not None) + 60 * len(self.words or ())

    def lookup(self, word: str) -> np.ndarray | None:
        """The first row written for exactly ``word``, or None."""
        wanted = _hash(word)
        at = int(np.searchsorted(self.hashes, wanted))
        while at < len(self.hashes) and self.hashes[at] == wanted:
            row = int(self.rows[at])
            found, vector = self._row(row)
            if found == word:
                return vector
            at += 1
        return None

    def all_rows(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every word once (its first row), in file order."""
        seen: set[str] = set()
        for row in range(self.size):
            word, vector = self._row(row)
            if word not in seen:
                seen.add(word)
                yield word, vector

    def _row(self, row: int) -> tuple[str, np.ndarray]:
        if self.matrix is not None:
            return self.words[row], self.matrix[row]
        with open(self.path, "rb") as stream:
            stream.seek(int(self.offsets[row]))
            if self.binary:
                word = _binary_word(stream, self.path, int(self.lines[row]))
                return word, _finite(self.path, int(self.lines[row]), word,
                                     np.frombuffer(stream.read(4 * self.dim), dtype="<f4").astype(np.float32))
            parts = stream.readline().decode("utf-8", errors="replace").rstrip("\n\r ").split(" ")
        return parts[0], _numbers(self.path, int(self.lines[row]), parts[0], parts[1:])


def _numbers(path: Path, line: int, word: str, values: list[str]) -> np.ndarray:
    try:
        vector = np.asarray(values, dtype=np.float32)
    except ValueError:
        raise UserError("poly_vec_not_numbers", file=path.name, line=line, word=repr(word[:40])) from None
    return _finite(path, line, word, vector)


def _finite(path: Path, line: int, word: str, vector: np.ndarray) -> np.ndarray:
    if not np.isfinite(vector).all():
        raise UserError("poly_vec_not_finite", file=path.name, line=line, word=repr(word[:40]))
    vector.setflags(write=False)
    return vector


def _binary_word(stream, path: Path, entry: int) -> str:
    word = bytearray()
    while (ch := stream.read(1)) != b" ":
        if not ch:
            raise UserError("poly_vec_bin_cut", file=path.name, entry=entry)
        if ch != b"\n":
            word += ch
    return word.decode("utf-8", errors="replace")


def _open_text(path: Path) -> io.TextIOBase:
    """A text stream over .gz or the first .txt member of a .zip (100d preferred)."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    archive = zipfile.ZipFile(path)
    members = [n for n in archive.namelist() if n.endswith(".txt")]
    if not members:
        raise UserError("poly_vec_zip_no_txt", file=path.name)
    member = next((n for n in members if n.endswith(GLOVE_FILE)), members[0])
    return io.TextIOWrapper(archive.open(member), encoding="utf-8", errors="replace")


def _text_lines(lines: Iterator[str], path: Path) -> Iterator[tuple[int, str, str]]:
    """(line number, word, the values as written) of every row; blank lines and a word2vec header skipped.
    Rows whose number of values differs from the first row's raise UserError naming the line."""
    dim = None
    for number, line in enumerate(lines, start=1):
        body = line.rstrip("\n\r ")
        parts = body.split(" ", 1)
        if number == 1 and len(body.split(" ")) == 2 and all(p.isdigit() for p in body.split(" ")):
            continue
        if len(parts) < 2:
            if body.strip():
                raise UserError("poly_vec_bad_row", file=path.name, line=number, raw=repr(line[:60]))
            continue
        values = parts[1].count(" ") + 1
        if dim is None:
            dim = values
        elif values != dim:
            raise UserError("poly_vec_ragged", file=path.name, line=number, n=values, dim=dim)
        yield number, parts[0], parts[1]


def _seekable_text(path: Path) -> dict:
    starts, lines, words, dim = [], [], [], 0
    with open(path, "rb") as stream:
        def decoded() -> Iterator[str]:
            position = 0
            for raw in stream:
                starts.append(position)  # starts[n - 1] is where line n begins
                position += len(raw)
                yield raw.decode("utf-8", errors="replace")

        for number, word, rest in _text_lines(decoded(), path):
            lines.append(number)
            words.append(word)
            dim = dim or rest.count(" ") + 1
    return dict(words=words, dim=dim, lines=lines, offsets=[starts[n - 1] for n in lines])


def _compressed_text(path: Path) -> dict:
    lines, words, vectors = [], [], []
    with _open_text(path) as stream:
        for number, word, rest in _text_lines(stream, path):
            lines.append(number)
            words.append(word)
            vectors.append(_numbers(path, number, word, rest.split(" ")))
    matrix = np.stack(vectors) if vectors else None
    return dict(words=words, dim=matrix.shape[1] if vectors else 0, lines=lines, matrix=matrix)


def _binary(path: Path) -> dict:
    size = os.path.getsize(path)
    with open(path, "rb") as stream:
        header = stream.readline().split()
        if len(header) != 2 or not all(h.isdigit() and int(h) > 0 for h in header):
            raise UserError("poly_vec_bin_header", file=path.name, raw=repr(b" ".join(header)[:40]))
        count, dim = int(header[0]), int(header[1])
        offsets, lines, words = [], [], []
        for entry in range(1, count + 1):
            offsets.append(stream.tell())
            words.append(_binary_word(stream, path, entry))
            if stream.tell() + 4 * dim > size:
                raise UserError("poly_vec_bin_cut", file=path.name, entry=entry)
            stream.seek(4 * dim, os.SEEK_CUR)
            lines.append(entry)
    return dict(words=words, dim=dim, lines=lines, offsets=offsets)


def index_file(path: Path) -> VectorFile:
    """Scan ``path`` once into a ``VectorFile``; unreadable or malformed files raise UserError naming it."""
    binary = path.suffix == ".bin"
    kind = Msg("poly_vec_kind_binary" if binary else "poly_vec_kind_text")
    try:
        if binary:
            found = _binary(path)
        elif path.suffix in (".gz", ".zip"):
            found = _compressed_text(path)
        else:
            found = _seekable_text(path)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:  # not gzip/zip, truncated, unreadable
        raise UserError("poly_vec_unreadable", file=path.name, kind=kind,
                        error=f"{type(exc).__name__}: {str(exc)[:120]}") from exc
    if not found["words"]:
        raise UserError("poly_vec_empty", file=path.name)
    hashes = np.fromiter((_hash(w) for w in found["words"]), dtype=np.int64, count=len(found["words"]))
    order = np.argsort(hashes, kind="stable")
    offsets = found.get("offsets")
    return VectorFile(
        path=path, dim=int(found["dim"]), binary=binary, hashes=hashes[order], rows=order.astype(np.int64),
        offsets=None if offsets is None else np.asarray(offsets, dtype=np.int64),
        lines=np.asarray(found["lines"], dtype=np.int64),
        words=tuple(found["words"]) if found.get("matrix") is not None else None, matrix=found.get("matrix"))
