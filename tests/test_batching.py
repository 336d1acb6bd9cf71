"""Micro-batching: requests that arrive together share one padded forward, and each gets what its forward
alone gives (to 1e-5), for every architecture, the real minilm and the shipped classifier's own head."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from components.core import analysis as analysis_mod
from components.core.analysis import _admit, _forward, _prepare, analyze
from components.core.batching import Batcher
from components.core.cache import clear_all
from components.core.lanes import Lane, WorkerPermits
from components.core.models import load_model
from tests.tiny import make_tiny_classifier

SHORT_AND_LONG = ["the bank", "we sat on the river bank and watched the fish near the muddy shore",
                  "thank you so much for the flowers", "I love my new phone"]


def _alone_and_batched(model, texts, detail="full", pairs=None):
    pairs = pairs or [None] * len(texts)
    items = [(model, _prepare(model, t, p, model.max_length)) for t, p in zip(texts, pairs)]
    assert len({len(p.ids) for _, p in items}) > 1  # the batch pads some of them
    alone = [_forward((model.name, detail), [item])[0] for item in items]
    return alone, _forward((model.name, detail), items)


def _largest_difference(alone, batched) -> float:
    worst = 0.0
    for one, many in zip(alone, batched):
        for a, b in zip(one, many):
            if a is None:
                assert b is None
                continue
            assert a.shape == b.shape
            worst = max(worst, float(np.abs(a - b).max()))
    return worst


@pytest.mark.parametrize("arch", ["bert", "distilbert", "roberta"])
def test_a_padded_batch_equals_each_forward_alone_for_every_architecture(arch, tmp_path):
    model = load_model(str(make_tiny_classifier(tmp_path / arch, arch, seed=5)))
    alone, batched = _alone_and_batched(model, SHORT_AND_LONG)
    assert _largest_difference(alone, batched) <= 1e-5


def test_a_padded_batch_equals_each_forward_alone_on_minilm_with_sentence_pairs(minilm):
    alone, batched = _alone_and_batched(minilm, SHORT_AND_LONG, pairs=[None, "and then?", None, "it is red."])
    assert _largest_difference(alone, batched) <= 1e-5
    assert all(a[1].shape[-1] == len(_prepare(minilm, t, p, 512).ids)
               for a, t, p in zip(batched, SHORT_AND_LONG, [None, "and then?", None, "it is red."]))


def test_the_shipped_classifiers_head_pools_only_the_real_tokens():
    from components.core.classifier import load_classifier

    model = load_classifier().model  # our own head: a masked mean over the encoder's tokens
    alone, batched = _alone_and_batched(model, SHORT_AND_LONG, detail="logits")
    assert _largest_difference(alone, batched) <= 1e-5


def test_the_comparison_would_see_padding_that_leaks(minilm):
    # control: the same rows run without their mask differ from their forwards alone by far more than 1e-5
    import torch

    items = [(minilm, _prepare(minilm, t, None, 512)) for t in SHORT_AND_LONG[:2]]
    width = max(len(p.ids) for _, p in items)
    ids = torch.zeros((2, width), dtype=torch.long)
    for row, (_, p) in enumerate(items):
        ids[row, :len(p.ids)] = torch.tensor(p.ids)
    with torch.inference_mode():
        _, _, hidden = minilm.run(ids, torch.ones_like(ids), hidden=True)
    leaked = hidden[-1][0, :len(items[0][1].ids)].numpy()
    alone = _forward(("minilm", "full"), [items[0]])[0][2][-1]
    assert float(np.abs(leaked - alone).max()) > 1e-3


def test_concurrent_light_requests_share_a_forward_and_get_their_own_analysis(minilm):
    """Eight requests in a light lane of one worker, at once: fewer forwards than requests, same answers."""
    texts = [f"student {i} read the story about the {w} aloud" for i, w in
             enumerate(["bank", "river", "phone", "garden", "market", "storm", "violin", "kitten"])]
    clear_all()
    alone = {t: analyze(minilm, t) for t in texts}
    clear_all()
    before = sum(analysis_mod._batches.sizes.values())
    permits = WorkerPermits(Lane("light", 16, 1))
    start = threading.Barrier(len(texts))
    got = {}

    def request(text):
        start.wait(timeout=30)  # all at once, then into the lane (as Gradio lets a burst in)
        got[text] = permits.wrap(analyze)(minilm, text)

    threads = [threading.Thread(target=request, args=(t,), daemon=True) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    forwards = sum(analysis_mod._batches.sizes.values()) - before
    assert 1 <= forwards < len(texts)
    for text in texts:
        assert got[text].tokens == alone[text].tokens
        assert float(np.abs(got[text].attentions - alone[text].attentions).max()) <= 1e-5
        assert float(np.abs(got[text].hidden_states - alone[text].hidden_states).max()) <= 1e-5


def test_requests_one_after_another_run_one_forward_each(minilm):
    # control for the test above: without others in the lane nobody waits and nothing is shared
    clear_all()
    before = analysis_mod._batches.sizes.copy()
    permits = WorkerPermits(Lane("light", 16, 1))
    for i in range(3):
        permits.wrap(analyze)(minilm, f"one request at a time, number {i}")
    assert analysis_mod._batches.sizes - before == {1: 3}


def test_a_batch_stays_within_its_rows_and_padded_size(minilm):
    short, long = (_prepare(minilm, t, None, 512) for t in ("a short one", " ".join(["word"] * 400)))
    assert _admit([(minilm, short)] * 5, (minilm, short))
    assert not _admit([(minilm, short)] * analysis_mod.MAX_ROWS, (minilm, short))
    assert not _admit([(minilm, short)], (minilm, long))  # one 400-token row padded into a batch: refused


def test_a_failing_batch_fails_every_member_and_leaves_none_waiting():
    def run(key, items):
        raise RuntimeError("boom")

    batcher = Batcher(run, lambda items, item: True, window=0.2)
    permits = WorkerPermits(Lane("light", 16, 1))
    errors = []

    def request(i):
        try:
            batcher.submit("k", i)
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=permits.wrap(request), args=(i,), daemon=True) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == ["boom"] * 4 and not any(thread.is_alive() for thread in threads)


def test_many_texts_of_one_model_run_as_one_padded_forward_equal_to_each_alone(minilm, monkeypatch):
    from components.core.analysis import analyze_many

    texts = ["the bank raised rates", "we sat on the river bank and watched the fish", "bank", "the bank"]
    clear_all()
    alone = [analyze(minilm, t) for t in texts]
    clear_all()
    forwards = []
    original = analysis_mod._forward
    monkeypatch.setattr(analysis_mod, "_forward",
                        lambda key, items: forwards.append(len(items)) or original(key, items))
    many = analyze_many(minilm, texts)
    assert forwards == [len(texts)]
    for one, batched in zip(alone, many):
        assert batched.tokens == one.tokens and batched.detail == "full"
        assert float(np.abs(batched.hidden_states - one.hidden_states).max()) <= 1e-5
    assert [analyze(minilm, t) for t in texts] == many  # kept in the one cache: analyze finds them
    assert analyze_many(minilm, texts) == many and forwards == [len(texts)]  # nothing runs twice
