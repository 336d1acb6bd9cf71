"""`python app.py embed`: shapes, the same vectors as the analysis pass, and errors with line numbers."""

from __future__ import annotations

import argparse
import json
import re

import numpy as np
import pytest

from components.cli.embed import register as add_embed_parser
from components.core.analysis import analyze


def run(tmp_path, rows, *extra: str):
    source = tmp_path / "spans.jsonl"
    source.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                      encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_embed_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["embed", "--input", str(source), "--out", str(tmp_path / "out.npy"), *extra])
    return args.func(args), tmp_path / "out.npy"


def test_one_layer_and_all_layers(tiny_en, tiny_en_dir, tmp_path):
    rows = [{"text": "the bank and the bank", "start": 17, "end": 21},
            {"text": "We were fishing.", "start": 8, "end": 15}]
    code, out = run(tmp_path, rows, "--model", str(tiny_en_dir), "--layer", "1")
    assert code == 0
    vectors = np.load(out)
    assert vectors.shape == (2, 32)
    np.testing.assert_allclose(vectors[0], analyze(tiny_en, rows[0]["text"]).hidden_states[1, 5], rtol=1e-6)
    fishing = analyze(tiny_en, rows[1]["text"]).hidden_states[1, 3:5].mean(axis=0)
    np.testing.assert_allclose(vectors[1], fishing, rtol=1e-6)
    code, out = run(tmp_path, rows, "--model", str(tiny_en_dir), "--layer", "all")
    assert code == 0 and np.load(out).shape == (2, 3, 32)


def test_chinese_span(tiny_zh, tiny_zh_dir, tmp_path):
    code, out = run(tmp_path, [{"text": "我们吃苹果。", "start": 3, "end": 5}], "--model", str(tiny_zh_dir))
    assert code == 0
    np.testing.assert_allclose(np.load(out)[0], analyze(tiny_zh, "我们吃苹果。").hidden_states[-1, 4:6].mean(0),
                               rtol=1e-6)


@pytest.mark.parametrize("bad, message", [
    ('{"text": "the bank", "start": 4', "line 2: invalid JSON"),
    ({"text": "the bank", "start": 4, "end": 40}, "line 2: span 4:40 is outside"),
    ({"text": "   ", "start": 0, "end": 1}, "line 2: the text is empty"),
    ({"text": "the zebra", "start": 4, "end": 9}, r"line 2: .*\[UNK\]"),
    ({"text": "the bank", "start": "4", "end": 8}, "line 2: start and end must be integers"),
])
def test_bad_lines_fail_with_their_line_number(tiny_en_dir, tmp_path, capsys, bad, message):
    code, out = run(tmp_path, [{"text": "the bank", "start": 4, "end": 8}, bad], "--model", str(tiny_en_dir))
    assert code == 1 and not out.exists()
    assert re.search(message, capsys.readouterr().err)


def test_layer_out_of_range(tiny_en_dir, tmp_path, capsys):
    code, _ = run(tmp_path, [{"text": "the bank", "start": 4, "end": 8}], "--model", str(tiny_en_dir), "--layer", "9")
    assert code == 1 and "layers 0 (embeddings) to 2" in capsys.readouterr().err
