"""Static vectors: the readers on the real GloVe subsets, the resolution order, the baseline table."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import numpy as np
import pytest

from components.polysemy import static_vectors as sv


@pytest.fixture(scope="module")
def glove100(shared_data) -> Path:
    return shared_data / "glove" / "glove.6B.100d.top2604.txt"


def raw_row(path: Path, word: str) -> np.ndarray:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.split(" ", 1)[0] == word:
            return np.array(line.split(" ")[1:], dtype=np.float32)
    raise AssertionError(word)


def test_real_glove_keeps_only_requested_words_and_names_missing(glove100):
    vectors = sv.read_vectors(glove100, ["Bank", "river", "apple", "fruit"])
    assert vectors.words == ("bank", "river")
    assert vectors.missing == ("apple", "fruit")  # the truncated vocabulary lacks them (README)
    assert vectors.dim == 100
    np.testing.assert_array_equal(vectors.vector("BANK"), raw_row(glove100, "bank"))


def test_whole_real_50d_subset_is_read(shared_data):
    vectors = sv.read_vectors(shared_data / "glove" / "glove.6B.50d.subset7849.txt")
    assert vectors.matrix.shape == (7849, 50)


def test_gz_zip_and_word2vec_formats_read_the_same_vectors(glove100, tmp_path):
    head = glove100.read_text(encoding="utf-8").splitlines()[:40]
    words = [line.split(" ", 1)[0] for line in head]
    expected = sv.read_vectors(glove100, words).matrix
    (tmp_path / "v.txt.gz").write_bytes(gzip.compress(("\n".join(head) + "\n").encode()))
    with zipfile.ZipFile(tmp_path / "v.zip", "w") as zf:
        zf.writestr("glove.6B.100d.txt", "\n".join(head) + "\n")
    (tmp_path / "w2v.txt").write_text(f"{len(head)} 100\n" + "\n".join(head) + "\n", encoding="utf-8")
    with open(tmp_path / "w2v.bin", "wb") as out:
        out.write(f"{len(head)} 100\n".encode())
        for word, row in zip(words, expected):
            out.write(word.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
    for name in ("v.txt.gz", "v.zip", "w2v.txt", "w2v.bin"):
        got = sv.read_vectors(tmp_path / name, words)
        assert got.words == tuple(words), name
        np.testing.assert_allclose(got.matrix, expected, rtol=1e-6, err_msg=name)


def test_ragged_vector_names_its_line(tmp_path):
    path = tmp_path / "ragged.txt"
    path.write_text("a 1 2 3\nb 4 5 6\nc 7 8\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        sv.read_vectors(path)


def test_resolution_order_explicit_then_cache_then_shared(glove100, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path, label = sv.resolve_glove(None)
    assert path == sv.SHARED_GLOVE and "truncated" in label
    cached = tmp_path / "cache" / "bertlens" / "glove" / sv.GLOVE_FILE
    cached.parent.mkdir(parents=True)
    cached.write_text("bank 1 2\n", encoding="utf-8")
    assert sv.resolve_glove(None)[0] == cached
    assert sv.prefetch_glove() == cached  # already there: no download
    assert sv.resolve_glove(str(glove100))[0] == glove100
    with pytest.raises(ValueError, match="no such file"):
        sv.resolve_glove(str(tmp_path / "nope.txt"))


def test_input_embedding_baseline_pools_chinese_characters(tiny_zh):
    vectors = sv.input_embedding_vectors(tiny_zh, ["苹果", "龘"])
    table = tiny_zh.encoder.get_input_embeddings().weight.detach().numpy()
    ids = tiny_zh.tokenizer.convert_tokens_to_ids(["苹", "果"])
    np.testing.assert_allclose(vectors.vector("苹果"), table[ids].mean(axis=0), rtol=1e-6)
    assert vectors.missing == ("龘",) and "input-embedding table" in vectors.label
