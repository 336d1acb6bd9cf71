"""End-to-end training of tiny random BERTs (built in code) for every method: files, record, reload, numbers."""

import json
import math

import numpy as np
import pytest
import torch

from components.cli.train import evaluate
from components.core.classifier import MeanPoolHead, load_classifier, predict_texts
from components.core.models import load_model
from components.finetune.data import load_dataset
from components.finetune.train import TrainArgs, save_classifier, train
from tests.tiny import DEV, TRAIN, raises_key, texts, write_toy

SETTINGS = {"head": dict(epochs=30, lr=5e-2, pos_weight=0.5), "lora": dict(epochs=15, lr=1e-2),
            "full": dict(epochs=15, lr=3e-3), "sklearn-lr": dict(layers="sum:all")}


def _args(data, base, method, out, **extra):
    kw = dict(data=data, base=base, method=method, out=str(out), batch_size=4, max_length=16, lora_r=4,
              lora_alpha=8, progress=False, **SETTINGS[method])
    kw.update(extra)
    return TrainArgs(**kw)


@pytest.fixture(scope="module", params=list(SETTINGS))
def trained(request, tiny_base, data_file, tmp_path_factory, feature_cache):
    out = tmp_path_factory.mktemp(f"clf-{request.param}")
    before = {k: v.clone() for k, v in load_model(tiny_base).encoder.state_dict().items()}
    steps = []
    result = train(_args(data_file, tiny_base, request.param, out),
                   on_step=lambda step, total, loss: steps.append((step, total, loss)))
    return request.param, result, before, tiny_base, steps


def test_the_output_directory_holds_what_each_method_saves(trained):
    method, result, _, base, _ = trained
    files = {p.relative_to(result.out).as_posix() for p in result.out.rglob("*") if p.is_file()}
    assert {"classifier.json", "head.safetensors", "README.md", "training_record.json"} <= files
    assert any(f.startswith("adapter/") for f in files) == (method == "lora")
    assert "adapter/README.md" not in files  # the card is README.md at the top
    assert any(f.startswith("encoder/") for f in files) == (method == "full")
    info = json.loads((result.out / "classifier.json").read_text())
    assert info["format_version"] == 1 and info["method"] == method and info["base_model"] == base
    assert info["pooling"] == "mean" and info["labels"] == ["money", "water"] and info["max_length"] == 16
    assert len(info["thresholds"]) == 2 and all(0 < t < 1 for t in info["thresholds"])
    assert ("features" in info) == (method == "sklearn-lr")
    for split in ("dev", "test"):
        for key in ("macro_f1", "micro_f1", "macro_precision", "macro_recall", "subset_accuracy", "hamming_loss"):
            assert 0 <= info["metrics"][split][key] <= 1
    assert info["training_seconds"] >= 0 and info["size_bytes"] > 0


def test_training_record_shape(trained):
    """The record the Fine-tuning tab reads: version 1, these keys, one loss per step, one dev score per epoch."""
    method, result, _, _, steps = trained
    record = json.loads((result.out / "training_record.json").read_text())
    assert record == result.record
    assert {"record_version", "method", "base_model", "seed", "arguments", "data", "parameters", "loss",
            "dev_macro_f1", "dev_macro_f1_at_0.5", "metrics", "wall_seconds", "size_bytes", "machine"} <= set(record)
    assert record["record_version"] == 1 and record["method"] == method and record["seed"] == 42
    assert record["arguments"]["max_length"] == 16 and "progress" not in record["arguments"]
    assert record["data"]["n_train"] == len(texts(TRAIN)) and record["data"]["n_dev"] == len(texts(DEV))
    trained_params, total = record["parameters"]["trained"], record["parameters"]["total"]
    assert 0 < trained_params <= total
    assert (trained_params == total) == (method == "full")
    epochs = record["arguments"]["epochs"]
    if method == "sklearn-lr":  # no optimisation steps of ours: no loss curve, one dev score
        assert record["loss"] == [] and steps == [] and len(record["dev_macro_f1"]) == 1
        assert record["features"] == {"spec": "sum:all", "layers": [1, 2], "combine": "sum"}
        assert record["sklearn"]["converged"] and record["timing"]["fit_seconds"] >= 0
    else:
        per_epoch = math.ceil(len(texts(TRAIN)) / 4)
        assert len(record["loss"]) == per_epoch * epochs == len(steps)
        assert len(record["dev_macro_f1"]) == len(record["dev_macro_f1_at_0.5"]) == epochs
        assert [s[:2] for s in steps] == [(i + 1, per_epoch * epochs) for i in range(per_epoch * epochs)]
        assert [round(s[2], 5) for s in steps] == record["loss"]
    assert set(record["metrics"]) == {"dev", "test", "test_at_0.5"}
    assert all("per_label" not in m and "micro_f1" in m for m in record["metrics"].values())
    assert record["metrics"]["test"]["macro_f1"] == pytest.approx(result.metrics["test"]["macro_f1"])
    assert record["size_bytes"] == json.loads((result.out / "classifier.json").read_text())["size_bytes"]
    assert {"arch", "cpu_count", "torch_threads", "torch", "python"} <= set(record["machine"])


def test_fits_the_training_rows(trained, data_file):
    """Every method separates the two topics on the rows it trained on (ranking, so thresholds don't matter)."""
    _, result, _, _, _ = trained
    train_split = load_dataset(data_file, "train")
    probs = predict_texts(load_classifier(result.out), train_split.texts)
    for j in range(2):
        pos, neg = probs[train_split.targets[:, j] == 1, j], probs[train_split.targets[:, j] == 0, j]
        assert pos.min() > neg.max(), (j, pos, neg)


def test_reload_matches_training_and_direct_forward(trained, data_file):
    method, result, _, _, _ = trained
    clf = load_classifier(result.out)
    assert clf.labels == ("money", "water") and clf.multi_label and clf.max_length == 16
    np.testing.assert_allclose(clf.thresholds, result.thresholds)
    probs = predict_texts(clf, texts(DEV), batch_size=3)
    np.testing.assert_allclose(probs, result.dev_probs, atol=1e-5)  # same as the model at the end of training
    tok = clf.model.tokenizer(texts(DEV), padding=True, return_tensors="pt")
    with torch.no_grad():
        out = clf.model.encoder(**tok, output_hidden_states=True)
        hidden = out.hidden_states if method == "sklearn-lr" else out.last_hidden_state
        direct = torch.sigmoid(clf.model.head(hidden, tok["attention_mask"])).numpy()
    np.testing.assert_allclose(probs, direct, atol=1e-5)


def test_evaluate_reproduces_the_saved_test_score(trained, data_file):
    _, result, _, _, _ = trained
    m = evaluate(str(result.out), data_file, "test")
    assert m["n_examples"] == result.metrics["test"]["n_examples"]
    for key in ("macro_f1", "micro_f1", "subset_accuracy", "hamming_loss"):
        assert m[key] == pytest.approx(result.metrics["test"][key])


def test_base_model_untouched(trained):
    _, result, before, base, _ = trained
    load_classifier(result.out)
    after = load_model(base).encoder.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_encoder_actually_changed_or_frozen(trained):
    method, result, before, _, _ = trained
    enc = load_classifier(result.out).model.encoder.state_dict()
    changed = any(not torch.equal(before[k], enc[k]) for k in before)
    assert changed == (method in ("lora", "full"))


def test_only_lora_writes_an_adapter_and_it_is_small(trained):
    method, result, _, _, _ = trained
    assert (result.out / "adapter").exists() == (method == "lora")
    if method != "lora":
        return
    cfg = json.loads((result.out / "adapter" / "adapter_config.json").read_text())
    assert cfg["r"] == 4
    assert "pooler" not in json.dumps(cfg["target_modules"])


def test_card_says_how_and_where_thresholds_were_tuned(trained):
    _, result, _, _, _ = trained
    card = (result.out / "README.md").read_text()
    assert "maximises that label's F1 on the dev split" in card and "closest to 0.5" in card
    assert "0.05..0.95 (step 0.01)" in card and "toy.dev.jsonl" in card and "Never tuned on test" in card
    assert "Reproduce" in card and "--max-length 16" in card and "--limit" not in card


def test_max_examples_is_a_seeded_shuffle(tiny_base, data_file, tmp_path, feature_cache):
    results = [train(_args(data_file, tiny_base, "sklearn-lr", tmp_path / name, max_examples=5, seed=seed))
               for name, seed in (("a", 1), ("b", 1), ("c", 2))]
    records = [r.record for r in results]
    assert all(r["data"]["n_train"] == 5 and r["arguments"]["max_examples"] == 5 for r in records)
    assert "5 of 13, seeded shuffle, seed 1" in records[0]["data"]["train"]
    rows = [load_dataset(data_file, "train").sample(5, seed) for seed in (1, 2)]
    assert rows[0].texts != rows[1].texts  # another seed, other rows
    assert set(rows[0].texts) <= set(texts(TRAIN)) and list(rows[0].texts) == sorted(
        rows[0].texts, key=texts(TRAIN).index)  # kept in file order
    np.testing.assert_array_equal(results[0].dev_probs, results[1].dev_probs)  # same seed, same classifier
    with raises_key("ft_train_max_examples"):
        train(_args(data_file, tiny_base, "head", tmp_path / "zero", max_examples=0))


def test_a_raising_step_hook_stops_training_and_writes_nothing(tiny_base, data_file, tmp_path):
    class Cancelled(Exception):
        pass

    def cancel(step, total, loss):
        if step == 3:
            raise Cancelled

    with pytest.raises(Cancelled):
        train(_args(data_file, tiny_base, "head", tmp_path / "out"), on_step=cancel)
    assert not (tmp_path / "out").exists()


def test_dev_without_a_label_keeps_the_columns(tiny_base, tmp_path):
    """Dev has no 'water' row: read with train's names it gets a zero 'water' column, not a shifted one."""
    data = write_toy(tmp_path / "data", dev={"money": DEV["money"]})
    result = train(_args(data, tiny_base, "head", tmp_path / "out", epochs=2))
    assert result.dev_probs.shape == (len(DEV["money"]), 2)
    assert result.metrics["dev"]["per_label"]["water"]["support"] == 0
    assert result.metrics["dev"]["per_label"]["money"]["support"] == len(DEV["money"])
    assert result.thresholds[1] == 0.5  # no positive dev example: the documented default


def test_unknown_method_and_misplaced_layers(tiny_base, data_file, tmp_path):
    with raises_key("ft_train_unknown_method", method="prompt") as err:
        train(TrainArgs(data=data_file, base=tiny_base, method="prompt", out=str(tmp_path)))
    assert "sklearn-lr" in err.value.msg.params["choices"]  # the message lists every method
    with raises_key("ft_train_layers_sklearn_only"):
        train(TrainArgs(data=data_file, base=tiny_base, method="lora", layers="sum:last4", out=str(tmp_path)))


def test_method_defaults_and_head_lr():
    full = TrainArgs(data="x", method="full").resolved()
    assert (full.epochs, full.lr, full.head_lr) == (2, 1e-4, 1e-3)  # a fresh head needs a higher lr
    lora = TrainArgs(data="x", method="lora").resolved()
    assert lora.head_lr == lora.lr == 8e-4
    assert TrainArgs(data="x", method="full", head_lr=5e-4).resolved().head_lr == 5e-4
    sk = TrainArgs(data="x", method="sklearn-lr").resolved()
    assert (sk.epochs, sk.lr, sk.layers) == (None, None, "last")


def test_save_classifier_writes_what_it_is_given(tiny_base, tmp_path):
    """The stable writer the live run uses: a head, an info dict, a record -> a directory the app loads."""
    base = load_model(tiny_base)
    head = MeanPoolHead(base.config.hidden_size, 2)
    info = {"format_version": 1, "base_model": tiny_base, "method": "head", "labels": ["a", "b"],
            "thresholds": [0.4, 0.6], "max_length": 12}
    out = save_classifier(tmp_path / "clf", None, head, info, {"record_version": 1, "loss": [0.5]})
    record = json.loads((out / "training_record.json").read_text())
    assert record["loss"] == [0.5] and record["size_bytes"] > 0
    clf = load_classifier(out)
    assert clf.labels == ("a", "b") and clf.max_length == 12 and clf.thresholds.tolist() == [0.4, 0.6]
    assert "Never tuned on test" in (out / "README.md").read_text()
    with pytest.raises(ValueError, match="saves an encoder"):
        save_classifier(tmp_path / "lora", None, head, {**info, "method": "lora"})
    with pytest.raises(ValueError, match="saves no encoder"):
        save_classifier(tmp_path / "head", base.encoder, head, info)


RECORD_KEYS = {"record_version", "method", "base_model", "seed", "arguments", "data", "parameters", "loss",
               "dev_macro_f1", "dev_macro_f1_at_0.5", "metrics", "wall_seconds", "size_bytes", "machine"}


@pytest.mark.parametrize("method", ["head", "lora", "full"])
def test_shipped_records_are_real_goemotions_runs(method):
    """assets/finetune/records/<method>.json: what `python app.py train` wrote for the README's recipes."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "assets" / "finetune" / "records" / f"{method}.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert RECORD_KEYS <= set(record) and record["record_version"] == 1 and record["method"] == method
    assert record["base_model"] == "minilm" and record["seed"] == 42
    assert record["data"]["n_train"] == 43_410 and record["data"]["n_test"] == 5_427
    epochs = record["arguments"]["epochs"]
    assert len(record["loss"]) == math.ceil(43_410 / record["arguments"]["batch_size"]) * epochs
    assert len(record["dev_macro_f1"]) == len(record["dev_macro_f1_at_0.5"]) == epochs
    assert record["loss"][-1] < record["loss"][0]  # it learned something
    assert 0.3 < record["metrics"]["test"]["macro_f1"] < 0.6 and "per_label" not in record["metrics"]["test"]
    assert path.stat().st_size < 1_000_000
