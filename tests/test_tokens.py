"""The Tokens view: pieces, kinds, segments, and LayerNorm(token + segment + position) == hidden state 0."""

from __future__ import annotations

import numpy as np

from components.core.analysis import analyze
from components.tokens.compute import token_table


def test_embedding_sum_matches_model_output_on_tiny(tiny_en):
    a = analyze(tiny_en, "the bank", "the river")
    table = token_table(tiny_en, a)
    assert table.matches_model
    np.testing.assert_allclose(table.encoder_input, a.hidden_states[0], atol=1e-5)
    assert [r.segment for r in table.rows].count("B") == 3  # the river [SEP]


def test_embedding_sum_matches_model_output_on_minilm(minilm):
    a = analyze(minilm, "Unbelievably, the hummingbird outflew the helicopter.")
    table = token_table(minilm, a)
    assert table.max_abs_diff < 1e-4
    kinds = {r.token: r.kind for r in table.rows}
    assert kinds["[CLS]"] == "special" and kinds["[SEP]"] == "special"
    assert any(k == "continuation" for k in kinds.values())  # a ## piece


def test_segment_embedding_differs_between_a_and_b(tiny_en):
    table = token_table(tiny_en, analyze(tiny_en, "the bank", "the bank"))
    a_rows = [r for r in table.rows if r.segment == "A"]
    b_rows = [r for r in table.rows if r.segment == "B"]
    assert not np.allclose(table.parts["segment"][a_rows[0].index], table.parts["segment"][b_rows[0].index])


def test_unknown_tokens_are_marked(tiny_en):
    table = token_table(tiny_en, analyze(tiny_en, "the 苹果"))
    assert [r.kind for r in table.rows if r.token == "[UNK]"] == ["unknown", "unknown"]


def test_another_requests_forward_while_the_hooks_are_on_is_not_caught(tiny_en, monkeypatch):
    """The model is shared: a forward of another length, from another thread, runs while the Tokens tab's
    hooks are on (another lane's request on the same model); the table is still this text's."""
    import threading

    import torch

    analysis = analyze(tiny_en, "the bank raised interest rates")
    other = torch.as_tensor(analyze(tiny_en, "we sat on the river bank and watched the fish").input_ids)[None]
    norm = tiny_en.encoder.embeddings.LayerNorm
    original, me, ran = norm.forward, threading.get_ident(), []

    def forward(x):  # inside this thread's embedding pass, once its parts are caught: another request's pass
        if threading.get_ident() == me and not ran:
            thread = threading.Thread(target=lambda: ran.append(tiny_en.encoder.embeddings(input_ids=other).shape[1]))
            thread.start()
            thread.join()
        return original(x)

    monkeypatch.setattr(norm, "forward", forward)
    table = token_table(tiny_en, analysis)
    assert ran == [other.shape[1]] and other.shape[1] != analysis.n_tokens  # it ran while the hooks were on
    assert len(table.rows) == analysis.n_tokens and table.matches_model
