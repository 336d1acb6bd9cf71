"""End-to-end training of tiny random BERTs (built in code) for each method: files, reload, numbers."""

import json

import numpy as np
import pytest
import torch

from components.core.classifier import load_classifier, predict_texts
from components.core.models import load_model
from components.finetune.train import TrainArgs, train
from tests.tiny import ENGLISH, make_tiny_bert

MONEY = ["the bank raised interest rates", "my loan and deposit", "the bank opened an account",
         "interest rates on money", "our money in the bank", "loans and deposit rates"]
WATER = ["the river shore was muddy", "a fish near the water", "the boat on the river",
         "water along the shore", "we walked along the river", "fish in muddy water"]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    return str(make_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert", ENGLISH))


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    rows = [{"text": t, "labels": ["money"]} for t in MONEY] + [{"text": t, "labels": ["water"]} for t in WATER]
    rows += [{"text": "the bank of the river", "labels": ["money", "water"]}]
    path = tmp_path_factory.mktemp("data") / "toy.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module", params=["head", "lora", "full"])
def trained(request, tiny_base, data_file, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"clf-{request.param}")
    before = {k: v.clone() for k, v in load_model(tiny_base).encoder.state_dict().items()}
    epochs, lr = {"head": (30, 5e-2), "lora": (15, 1e-2), "full": (15, 3e-3)}[request.param]
    result = train(TrainArgs(data=data_file, base=tiny_base, method=request.param, out=str(out), epochs=epochs,
                             lr=lr, batch_size=4, max_length=16, lora_r=4, lora_alpha=8, progress=False,
                             pos_weight=0.5 if request.param == "head" else 0.0))
    return request.param, result, before, tiny_base


def test_output_directory(trained):
    method, result, _, base = trained
    files = {p.relative_to(result.out).as_posix() for p in result.out.rglob("*") if p.is_file()}
    assert {"classifier.json", "head.safetensors", "README.md"} <= files
    assert any(f.startswith("adapter/") for f in files) == (method == "lora")
    assert "adapter/README.md" not in files  # the card is README.md at the top
    assert any(f.startswith("encoder/") for f in files) == (method == "full")
    info = json.loads((result.out / "classifier.json").read_text())
    assert info["format_version"] == 1 and info["method"] == method and info["base_model"] == base
    assert info["pooling"] == "mean" and info["labels"] == ["money", "water"]
    assert len(info["thresholds"]) == 2 and all(0 < t < 1 for t in info["thresholds"])
    for split in ("dev", "test"):
        for key in ("macro_f1", "micro_f1", "macro_precision", "macro_recall", "subset_accuracy", "hamming_loss"):
            assert 0 <= info["metrics"][split][key] <= 1
    assert info["training_seconds"] >= 0 and info["size_bytes"] > 0
    assert "Reproduce" in (result.out / "README.md").read_text()


def test_learns_the_toy_task(trained):
    _, result, _, _ = trained
    assert result.metrics["dev"]["macro_f1"] >= 0.8, result.metrics["dev"]


def test_reload_matches_training_and_direct_forward(trained, data_file):
    method, result, _, _ = trained
    clf = load_classifier(result.out)
    assert clf.labels == ("money", "water") and clf.multi_label
    np.testing.assert_allclose(clf.thresholds, result.thresholds)
    texts = MONEY + WATER + ["the bank of the river"]
    probs = predict_texts(clf, texts, batch_size=5)
    np.testing.assert_allclose(probs, result.dev_probs, atol=1e-5)  # same as the model at the end of training
    tok = clf.model.tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = clf.model.encoder(**tok).last_hidden_state
        direct = torch.sigmoid(clf.model.head(hidden, tok["attention_mask"])).numpy()
    np.testing.assert_allclose(probs, direct, atol=1e-5)


def test_base_model_untouched(trained):
    _, result, before, base = trained
    load_classifier(result.out)
    after = load_model(base).encoder.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_encoder_actually_changed_or_frozen(trained):
    method, result, before, _ = trained
    enc = load_classifier(result.out).model.encoder.state_dict()
    changed = any(not torch.equal(before[k], enc[k]) for k in before)
    assert changed == (method != "head")


def test_only_lora_writes_an_adapter_and_it_is_small(trained):
    method, result, _, _ = trained
    assert (result.out / "adapter").exists() == (method == "lora")
    if method != "lora":
        return
    cfg = json.loads((result.out / "adapter" / "adapter_config.json").read_text())
    assert cfg["r"] == 4
    assert "pooler" not in json.dumps(cfg["target_modules"])


def test_unknown_method(tiny_base, data_file, tmp_path):
    with pytest.raises(ValueError, match="Unknown method"):
        train(TrainArgs(data=data_file, base=tiny_base, method="prompt", out=str(tmp_path)))


def test_method_defaults_and_head_lr():
    full = TrainArgs(data="x", method="full").resolved()
    assert (full.epochs, full.lr, full.head_lr) == (2, 1e-4, 1e-3)  # a fresh head needs a higher lr
    lora = TrainArgs(data="x", method="lora").resolved()
    assert lora.head_lr == lora.lr == 8e-4
    assert TrainArgs(data="x", method="full", head_lr=5e-4).resolved().head_lr == 5e-4
