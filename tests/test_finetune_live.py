"""The live mini-run without the UI: budgets, where the data comes from, one run in-process (what it trains,
what it writes, how it stops) and in its worker process (Cancel, cleanup when the session ends)."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

from components.core.classifier import decide, load_classifier, predict_texts
from components.core.messages import UserError
from components.finetune.data import load_dataset
from components.finetune.live import LiveTrainer, clamp_budget, find_training_data, live_base
from components.finetune.metrics import multilabel_metrics
from components.finetune.minirun import DEV_SEED, Cancelled, RunSpec, dev_halves, mini_run
from tests.tiny import GOEMOTIONS, raises_key


def test_budgets_are_clamped_with_a_message():
    assert clamp_budget(2000) == (2000, None) and clamp_budget(None) == (2000, None)
    low, note = clamp_budget(10)
    assert low == 500 and note.key == "ft_live_budget_clamped" and (note.params["asked"], note.params["used"]) == (
        "10", "500")
    assert clamp_budget("1e9")[0] == 4000 and clamp_budget(1234.4)[0] == 1234
    for bad in ("lots", float("nan"), [3]):
        with pytest.raises(UserError):
            clamp_budget(bad)


def test_data_is_found_beside_the_repo_or_the_missing_part_is_named(tmp_path, monkeypatch, shared_data):
    assert find_training_data() == str(GOEMOTIONS)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with raises_key("ft_live_no_data", path=str(tmp_path / "goemotions")) as err:
        find_training_data(tmp_path / "goemotions")
    assert err.value.msg.params["why"].key == "ft_live_why_offline"  # HF_HUB_OFFLINE is set


def test_the_live_base_is_the_classifiers_own(toy_runs, tiny_base, tmp_path):
    assert live_base(toy_runs["head"], "minilm") == tiny_base
    assert live_base(None, "other") == "minilm"  # the shipped classifier was trained on minilm
    assert live_base(tmp_path, "fallback") == "fallback"


@pytest.fixture(scope="module")
def head_run(tiny_base, tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("live-head") / "clf"
    events = []
    summary = mini_run(RunSpec(method="head", budget=500, data=str(GOEMOTIONS), base=tiny_base, out=str(out)),
                       events.append, lambda: False)
    return summary, events, out


def test_a_head_run_trains_one_epoch_and_reports_every_step(head_run):
    summary, events, _ = head_run
    steps = [e for e in events if e[0] == "step"]
    assert [e[1] for e in steps] == list(range(1, 33)) and all(e[2] == 32 for e in steps)  # ceil(500 / 16)
    assert summary["examples"] == 500 and summary["loss"] == [e[3] for e in steps]
    phases = [e[1] for e in events if e[0] == "phase"]
    assert phases[0] == "load" and "dev" in phases and "features" in phases and phases[-1] == "save"
    features = next(e[1] for e in events if e[0] == "dev_features")
    assert features.shape == (1000, 32)
    assert summary["parameters"]["trained"] == 32 * 28 + 28  # only the head: Linear(32 -> 28)


def test_the_saved_classifier_scores_what_the_run_reported(head_run):
    summary, _, out = head_run
    clf = load_classifier(out)
    info = json.loads((out / "classifier.json").read_text())
    assert info["method"] == "head" and info["training_args"]["max_examples"] == 500
    assert "--max-examples 500" in (out / "README.md").read_text()  # the card's scriptable equivalent
    dev = load_dataset(str(GOEMOTIONS), "dev", label_names=clf.labels).sample(1000, DEV_SEED)
    _, scored = dev_halves(len(dev))  # the half the run scored on (its thresholds come from the other half)
    decided = decide(clf, predict_texts(clf, dev.texts))[scored]
    f1 = multilabel_metrics(dev.targets[scored], decided, dev.label_names)["macro_f1"]
    assert f1 == pytest.approx(summary["after"], abs=1e-9)


def test_cached_dev_vectors_skip_the_dev_pass_and_change_nothing(head_run, tiny_base, tmp_path):
    summary, events, _ = head_run
    features = next(e[1] for e in events if e[0] == "dev_features")
    again = []
    second = mini_run(RunSpec(method="head", budget=500, data=str(GOEMOTIONS), base=tiny_base, out=str(tmp_path / "c"),
                              dev_features=features), again.append, lambda: False)
    assert not any(e[0] == "dev_features" or (e[0] == "phase" and e[1] == "dev") for e in again)
    assert second["before"] == summary["before"] and second["after"] == pytest.approx(summary["after"])


def test_a_lora_run_adapts_a_copy_of_the_encoder(tiny_base, tmp_path, shared_data):
    from components.core.models import load_model

    before = {k: v.clone() for k, v in load_model(tiny_base).encoder.state_dict().items()}
    summary = mini_run(RunSpec(method="lora", budget=500, data=str(GOEMOTIONS), base=tiny_base, out=str(tmp_path / "l"),
                               lora_r=4, lora_alpha=8), lambda _e: None, lambda: False)
    after = load_model(tiny_base).encoder.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)  # the cached base is untouched
    assert (tmp_path / "l" / "adapter" / "adapter_config.json").is_file()
    assert summary["parameters"]["trained"] > 32 * 28 + 28  # head + adapters
    # counted as the records count them: the total holds the adapters too, so the share is trained / total
    base_total = sum(v.numel() for v in load_model(tiny_base).encoder.parameters()) + 32 * 28 + 28
    adapters = summary["parameters"]["trained"] - (32 * 28 + 28)
    assert summary["parameters"]["total"] == base_total + adapters


def test_stopping_raises_at_the_next_step_and_writes_nothing(tiny_base, tmp_path, shared_data):
    seen = []

    def stopped() -> bool:
        return sum(e[0] == "step" for e in seen) >= 3

    with pytest.raises(Cancelled):
        mini_run(RunSpec(method="lora", budget=4000, data=str(GOEMOTIONS), base=tiny_base, out=str(tmp_path / "x"),
                         lora_r=4, lora_alpha=8), seen.append, stopped)
    assert sum(e[0] == "step" for e in seen) == 3 and not (tmp_path / "x").exists()


def test_a_worker_run_is_cancelled_and_leaves_nothing(tiny_base, shared_data):
    trainer = LiveTrainer(tiny_base)
    updates, stopped = [], []
    for progress in trainer.run("s", "lora", 4000):
        updates.append(progress)
        if progress.losses and not stopped:  # training has started: press Cancel from another thread
            canceller = threading.Thread(target=lambda: stopped.append(trainer.cancel("s")))
            canceller.start()
    canceller.join()
    assert updates[-1].phase == "cancelled" and updates[-1].classifier is None
    assert stopped[0] is not None and stopped[0].losses  # Cancel reports how far the run got
    assert updates[-1].summary is None and len(updates[-1].losses) < 250  # 4,000 examples would be 250 steps
    assert trainer.running == [] and trainer.classifier_of("s") is None
    assert not any(any(folder.iterdir()) for folder in trainer.root.iterdir())  # the partial run was deleted


def test_the_session_keeps_its_latest_classifier_until_it_ends(tiny_base, shared_data):
    discarded = []
    trainer = LiveTrainer(tiny_base, on_discard=discarded.append)
    first = list(trainer.run("s", "head", 500))[-1]
    path = trainer.classifier_of("s")
    assert first.phase == "done" and str(path) == first.classifier
    assert path.is_dir() and load_classifier(path).labels[0] == "admiration"
    second = list(trainer.run("s", "head", 500))[-1]
    newest = trainer.classifier_of("s")
    assert str(newest) == second.classifier and newest != path
    assert not path.exists() and discarded == [path]  # the older one is deleted and forgotten
    trainer.end_session("s")
    assert not newest.exists() and trainer.classifier_of("s") is None and discarded[-1] == newest
    with pytest.raises(UserError):
        load_classifier(newest)  # not served from the cache any more


def test_the_live_score_tunes_on_one_half_of_the_dev_sample_and_scores_on_the_other():
    import numpy as np

    from components.finetune.data import MultiLabelSplit
    from components.finetune.minirun import _macro_f1, dev_halves

    tune, score = dev_halves(1000)
    assert len(tune) == len(score) == 500 and not set(tune) & set(score)
    assert sorted([*tune, *score]) == list(range(1000))
    assert [list(h) for h in dev_halves(1000)] == [list(tune), list(score)]  # fixed: every run, every student

    rng = np.random.default_rng(1)
    targets = (rng.random((1000, 3)) < 0.3).astype(np.float32)
    probs = rng.random((1000, 3))
    split = MultiLabelSplit(tuple("x" * 1000), targets, ("a", "b", "c"), "test", 0)
    f1, thresholds = _macro_f1(split, probs)
    # the thresholds depend on the tuning half only: changing the scoring half's labels leaves them
    changed = targets.copy()
    changed[score] = 1 - changed[score]
    f1_changed, thresholds_changed = _macro_f1(MultiLabelSplit(split.texts, changed, split.label_names, "t", 0), probs)
    assert np.array_equal(thresholds, thresholds_changed) and f1 != f1_changed
    # control: changing the tuning half's labels does move them
    flipped = targets.copy()
    flipped[tune] = 1 - flipped[tune]
    _, thresholds_flipped = _macro_f1(MultiLabelSplit(split.texts, flipped, split.label_names, "t", 0), probs)
    assert not np.array_equal(thresholds, thresholds_flipped)
