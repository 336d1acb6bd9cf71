"""Static vectors: the readers on the real GloVe subsets, the resolution order, the baseline table, and
the index: built once per file (also under concurrent requests), never rescanned for a new word, safe
against hash collisions, with a bounded cache of looked-up words."""

from __future__ import annotations

import gzip
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from components.core.cache import Cache
from components.polysemy import static_vectors as sv
from components.polysemy import vector_files
from tests.tiny import raises_key


@pytest.fixture(scope="module")
def glove100(shared_data) -> Path:
    return shared_data / "glove" / "glove.6B.100d.top2604.txt"


@pytest.fixture()
def fresh_caches(monkeypatch):
    """Empty index and word caches for this test only (the module's own are left alone)."""
    monkeypatch.setattr(sv, "_files", Cache("test_files", max_entries=4))
    monkeypatch.setattr(sv, "_vectors", Cache("test_vectors", max_entries=16))
    return sv


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
    np.testing.assert_array_equal(vectors.vector("river"), raw_row(glove100, "river"))


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


def test_ragged_vector_names_its_file_and_line(tmp_path):
    path = tmp_path / "ragged.txt"
    path.write_text("a 1 2 3\nb 4 5 6\nc 7 8\n", encoding="utf-8")
    with raises_key("poly_vec_ragged", file="ragged.txt", line=3, n=2, dim=3):
        sv.read_vectors(path, ["a"])


def test_a_repeated_word_keeps_its_first_row(tmp_path):
    path = tmp_path / "repeated.txt"
    path.write_text("bank 1 2\nriver 3 4\nbank 5 6\n", encoding="utf-8")
    np.testing.assert_array_equal(sv.read_vectors(path, ["bank"]).vector("bank"), [1, 2])


def test_resolution_order_explicit_then_cache_then_shared(glove100, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path, label = sv.resolve_glove(None)
    assert path == sv.SHARED_GLOVE and label.key == "poly_static_glove_shared"
    cached = tmp_path / "cache" / "bertlens" / "glove" / sv.GLOVE_FILE
    cached.parent.mkdir(parents=True)
    cached.write_text("bank 1 2\n", encoding="utf-8")
    assert sv.resolve_glove(None)[0] == cached
    assert sv.prefetch_glove() == cached  # already there: no download
    assert sv.resolve_glove(str(glove100))[0] == glove100
    with raises_key("poly_glove_no_such_file", path=str(tmp_path / "nope.txt")):
        sv.resolve_glove(str(tmp_path / "nope.txt"))


def test_input_embedding_baseline_pools_chinese_characters(tiny_zh):
    vectors = sv.input_embedding_vectors(tiny_zh, ["苹果", "龘"])
    table = tiny_zh.encoder.get_input_embeddings().weight.detach().numpy()
    ids = tiny_zh.tokenizer.convert_tokens_to_ids(["苹", "果"])
    np.testing.assert_allclose(vectors.vector("苹果"), table[ids].mean(axis=0), rtol=1e-6)
    assert vectors.missing == ("龘",) and vectors.label.key == "poly_static_table"


def test_a_new_word_never_rescans_the_file(glove100, fresh_caches, monkeypatch):
    scans, reads = [], []
    real_scan, real_row = vector_files._seekable_text, vector_files.VectorFile._row
    monkeypatch.setattr(vector_files, "_seekable_text", lambda path: scans.append(path) or real_scan(path))
    monkeypatch.setattr(vector_files.VectorFile, "_row", lambda self, row: reads.append(row) or real_row(self, row))
    words = ["bank", "river", "money", "water", "the", "of", "zzzznotaword", "loan"]
    for word in words:
        sv.read_vectors(glove100, [word])
    assert len(scans) == 1  # the index was built once, by the first lookup
    assert len(reads) == len(words) - 1  # one row read per word found; an absent word reads no row
    before = len(reads)
    sv.read_vectors(glove100, words)  # the same words again: served by the word cache
    assert len(reads) == before and len(scans) == 1


def test_the_word_cache_is_bounded_whatever_students_type(glove100, fresh_caches):
    typed = [line.split(" ", 1)[0] for line in glove100.read_text(encoding="utf-8").splitlines()[:200]]
    typed += [f"notaword{i}" for i in range(100)]
    for word in typed:
        sv.read_vectors(glove100, [word])
    assert len(sv._vectors) == 16 and len(sv._files) == 1


def test_concurrent_first_lookups_build_the_index_once(glove100, fresh_caches, monkeypatch):
    release = threading.Event()
    builds = []
    real_index = vector_files.index_file

    def slow_index(path):
        builds.append(path)
        release.wait(timeout=30)
        return real_index(path)

    monkeypatch.setattr(sv, "index_file", slow_index)
    words = ["bank", "river", "money", "water", "loan", "lake"]
    results = {}
    threads = [threading.Thread(target=lambda w=w: results.update({w: sv.read_vectors(glove100, [w])}))
               for w in words]
    for thread in threads:
        thread.start()
    for _ in range(3000):  # the other five wait for the first build instead of scanning too
        if sv._files.stats.waits == len(words) - 1:
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(builds) == 1 and sv._files.stats.waits == len(words) - 1
    for word in words:
        np.testing.assert_array_equal(results[word].vector(word), raw_row(glove100, word))


def test_a_hash_collision_cannot_return_another_words_vector(glove100, fresh_caches, monkeypatch):
    monkeypatch.setattr(vector_files, "_hash", lambda word: 7)  # every word collides with every other
    vectors = sv.read_vectors(glove100, ["river", "bank", "notaword"])
    assert vectors.words == ("river", "bank") and vectors.missing == ("notaword",)
    np.testing.assert_array_equal(vectors.vector("bank"), raw_row(glove100, "bank"))
    np.testing.assert_array_equal(vectors.vector("river"), raw_row(glove100, "river"))


def test_a_changed_file_is_indexed_again(tmp_path, fresh_caches):
    path = tmp_path / "v.txt"
    path.write_text("bank 1 2\n", encoding="utf-8")
    assert sv.read_vectors(path, ["bank"]).vector("bank").tolist() == [1, 2]
    path.write_text("bank 3 4 5\nriver 1 1 1\n", encoding="utf-8")
    assert sv.read_vectors(path, ["bank"]).vector("bank").tolist() == [3, 4, 5]
