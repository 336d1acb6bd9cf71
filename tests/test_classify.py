"""Classifier loading (saved dirs, HF sequence classifiers, errors, cache) and the shipped classifier."""

import dataclasses
import json
import shutil
import threading

import numpy as np
import pytest
import torch

from components.core.classifier import SHIPPED_CLASSIFIER, decide, load_classifier, predict_texts, probabilities
from components.finetune.train import TrainArgs, train
from components.predict.compute import predict_text
from tests.tiny import GOEMOTIONS, make_tiny_classifier, raises_key


@pytest.fixture(scope="module")
def saved(tiny_base, data_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("clf") / "lora"
    train(TrainArgs(data=data_file, base=tiny_base, method="lora", out=str(out), epochs=2, batch_size=2,
                    max_length=16, lora_r=2, lora_alpha=4, progress=False))
    return out


def _hf_classifier(folder, problem_type):
    """A transformers sequence classifier as the Hub has them (not made by ``train``), labels x, y, z."""
    return make_tiny_classifier(folder, "bert", labels=("x", "y", "z"), problem_type=problem_type, layers=1, init=0.02)


def test_four_threads_loading_one_classifier_share_one_cached_object(saved):
    results = []
    threads = [threading.Thread(target=lambda: results.append(load_classifier(saved))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r is results[0] for r in results)
    assert load_classifier(str(saved)) is results[0]


def test_probabilities_are_the_sigmoid_and_decide_applies_the_thresholds(saved):
    clf = load_classifier(saved)
    logits = torch.tensor([[0.0, 2.0], [-3.0, 0.0]])
    p = probabilities(clf, logits)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-logits.numpy())))
    assert decide(clf, p).tolist() == (p >= clf.thresholds).astype(int).tolist()


LONG = " ".join(["the bank raised interest rates on my loan and deposit ."] * 3 + ["fish in muddy river water ."] * 6)


def test_predict_and_evaluate_truncate_long_text_the_same_way(saved):
    """The app's prediction (analysis path) equals evaluate's batched one on a text longer than max_length."""
    clf = load_classifier(saved)
    assert clf.max_length == 16 and len(clf.model.tokenizer(LONG)["input_ids"]) > 40
    app = predict_text(clf, LONG)
    assert app.n_tokens == 16 and any(w.key == "analysis_truncated" for w in app.warnings)
    batched = predict_texts(clf, [LONG, "the bank"], batch_size=2)[0]
    np.testing.assert_allclose(app.probs, batched, atol=1e-6)
    # negative control: read to the model's 64 positions, the same text scores differently
    longer = dataclasses.replace(clf, max_length=64)
    assert np.abs(predict_texts(longer, [LONG])[0] - batched).max() > 1e-3


def test_missing_and_corrupt_directories(saved, tmp_path):
    with raises_key("clf_missing", path=str(tmp_path / "nowhere")):
        load_classifier(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with raises_key("clf_no_files", path=str(empty.resolve())):
        load_classifier(empty)
    broken = tmp_path / "broken"
    shutil.copytree(saved, broken)
    (broken / "head.safetensors").unlink()
    with raises_key("clf_corrupt", path=str(broken.resolve())) as err:
        load_classifier(broken)
    assert err.value.msg.params["fix"].key == "clf_fix_other"  # point to a directory `train` wrote, or retrain
    garbled = tmp_path / "garbled"
    shutil.copytree(saved, garbled)
    (garbled / "classifier.json").write_text("{not json", encoding="utf-8")
    with raises_key("clf_corrupt", path=str(garbled.resolve())):
        load_classifier(garbled)
    no_adapter = tmp_path / "no_adapter"
    shutil.copytree(saved, no_adapter)
    shutil.rmtree(no_adapter / "adapter")
    with raises_key("clf_corrupt", path=str(no_adapter.resolve())) as err:
        load_classifier(no_adapter)
    assert str(no_adapter.resolve() / "adapter") in err.value.msg.params["error"]  # names the missing part


def test_a_hub_multi_label_classifier_scores_each_label_with_a_sigmoid(tmp_path):
    clf = load_classifier(_hf_classifier(tmp_path / "multi", "multi_label_classification"))
    assert clf.multi_label and clf.labels == ("x", "y", "z")
    p = predict_texts(clf, ["the bank", "a river boat"])
    assert p.shape == (2, 3) and ((p > 0) & (p < 1)).all()
    assert not np.allclose(p.sum(1), 1.0)


def test_hf_single_label_is_softmax(tmp_path):
    clf = load_classifier(_hf_classifier(tmp_path / "single", "single_label_classification"))
    assert not clf.multi_label and "single-label" in clf.card
    p = predict_texts(clf, ["the bank", "a river boat", "fish"])
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert (decide(clf, p).sum(1) == 1).all()


def test_plain_encoder_is_refused(tiny_base):
    with raises_key("clf_no_head", name=tiny_base):
        load_classifier(tiny_base)


def test_shipped_classifier_is_small_and_complete():
    files = [f for f in SHIPPED_CLASSIFIER.rglob("*") if f.is_file()]
    assert sum(f.stat().st_size for f in files) < 10 * 1024 * 1024
    info = json.loads((SHIPPED_CLASSIFIER / "classifier.json").read_text())
    assert info["base_model"] == "minilm" and info["method"] == "lora" and len(info["labels"]) == 28
    assert not (SHIPPED_CLASSIFIER / "encoder").exists()


def test_shipped_classifier_meets_goemotions_target():
    """The issue's acceptance figure: macro-F1 >= 0.49 on the GoEmotions test split (takes ~1 min)."""
    from components.cli.train import evaluate

    m = evaluate(str(SHIPPED_CLASSIFIER), str(GOEMOTIONS), "test")
    assert m["n_examples"] == 5_427
    assert m["macro_f1"] >= 0.49, m["macro_f1"]
    assert m["micro_f1"] >= 0.5


def _cli(argv):
    import argparse

    from components.cli.train import add_evaluate_parser, add_train_parser

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    add_train_parser(sub)
    add_evaluate_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_train_then_evaluate_json(tiny_base, data_file, tmp_path, capsys):
    out = tmp_path / "clf"
    assert _cli(["train", "--data", data_file, "--base", tiny_base, "--method", "head", "--out", str(out),
                 "--epochs", "2", "--batch-size", "2", "--max-length", "16", "--max-examples", "9",
                 "--no-progress"]) == 0
    assert "test macro-F1" in capsys.readouterr().out
    assert json.loads((out / "training_record.json").read_text())["data"]["n_train"] == 9
    assert _cli(["evaluate", "--classifier", str(out), "--data", data_file, "--split", "test", "--json"]) == 0
    printed = capsys.readouterr().out
    m = json.loads(printed)  # exactly one JSON object, nothing else on stdout
    for key in ("macro_f1", "micro_f1", "macro_precision", "macro_recall", "subset_accuracy", "hamming_loss"):
        assert 0 <= m[key] <= 1
    assert set(m["per_label"]) == {"money", "water"} and m["n_examples"] == 5
    saved = json.loads((out / "classifier.json").read_text())["metrics"]["test"]
    assert m["macro_f1"] == pytest.approx(saved["macro_f1"])  # same thresholds, same data, same number
    assert _cli(["evaluate", "--classifier", str(out), "--data", data_file, "--max-examples", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_examples"] == 3


def test_cli_evaluate_refuses_other_labels(saved, tmp_path):
    data = tmp_path / "other.test.csv"
    data.write_text("text,labels\nthe bank,finance\n", encoding="utf-8")
    with raises_key("ev_unknown_label", line=2, label="finance"):
        _cli(["evaluate", "--classifier", str(saved), "--data", str(data), "--json"])


def test_evaluate_reads_a_split_missing_a_label_with_the_classifiers_columns(saved, tmp_path):
    """A test file with only 'water' rows: columns follow the classifier's labels, so 'money' is not shifted."""
    from components.cli.train import evaluate

    data = tmp_path / "w.test.csv"
    data.write_text("text,labels\nfish in the river,water\nthe boat on the water,water\n", encoding="utf-8")
    m = evaluate(str(saved), str(tmp_path / "w.csv"), "test")
    assert m["per_label"]["money"]["support"] == 0 and m["per_label"]["water"]["support"] == 2


def test_default_is_the_shipped_classifier():
    assert load_classifier() is load_classifier(None) is load_classifier(SHIPPED_CLASSIFIER)
    assert load_classifier().directory == SHIPPED_CLASSIFIER


LONG_EN = ("Thank you so much for helping me with my homework last night, I really appreciate it. " * 5
           + "But now I am furious: you broke my bike, lied about it and I am angry and disgusted. " * 4)


@pytest.mark.minilm
def test_app_predict_endpoint_equals_evaluate_on_a_long_text(client):
    """/predict (served app, shipped classifier) and evaluate's predict_texts agree past 64 tokens."""
    clf = load_classifier()
    assert clf.max_length == 64 and len(clf.model.tokenizer(LONG_EN)["input_ids"]) > 120
    _figure, _chosen, top = client.predict(LONG_EN, "tuned", 0.5, api_name="/predict")
    served = {c["label"]: c["confidence"] for c in top["confidences"]}
    scores = dict(zip(clf.labels, predict_texts(clf, [LONG_EN])[0]))
    assert served == pytest.approx({label: scores[label] for label in served}, abs=1e-6)
    # negative control: read whole (up to 512 tokens), the anger at the end changes the scores
    whole = dict(zip(clf.labels, predict_texts(dataclasses.replace(clf, max_length=512), [LONG_EN])[0]))
    assert max(abs(whole[label] - scores[label]) for label in served) > 1e-2
