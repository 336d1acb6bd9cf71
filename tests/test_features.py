"""The sklearn-lr route on tiny random BERTs: layer specs, the feature cache, parity with scikit-learn and the app."""

import json
import shutil

import numpy as np
import pytest
import torch

from components.core.classifier import combine_layers, load_classifier, predict_texts
from components.core.models import load_model
from components.finetune.data import load_dataset
from components.finetune.features import cache_dir, parse_layers, pooled_hidden_states, sweep
from components.finetune.train import TrainArgs, train
from components.predict.compute import predict_text
from tests.tiny import DEV, ENGLISH, TEST, TRAIN, make_tiny_bert, raises_key, rows, texts, write_jsonl

pytestmark = pytest.mark.usefixtures("feature_cache")  # every test of the cache starts from an empty one


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model(str(make_tiny_bert(tmp_path_factory.mktemp("tiny") / "bert", ENGLISH, layers=3)))


@pytest.fixture(scope="module")
def concat_clf(tiny, data_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("clf") / "concat"
    result = train(TrainArgs(data=data_file, base=tiny.name, method="sklearn-lr", layers="concat:0,last",
                             out=str(out), max_length=16, progress=False))
    return result, load_classifier(out)


@pytest.mark.parametrize("spec, layers, combine", [
    (None, (6,), "mean"), ("last", (6,), "mean"), ("embeddings", (0,), "mean"), ("0", (0,), "mean"),
    ("3", (3,), "mean"), ("-1", (6,), "mean"), ("-2", (5,), "mean"), ("-7", (0,), "mean"),
    ("sum:last4", (3, 4, 5, 6), "sum"), ("concat:last4", (3, 4, 5, 6), "concat"),
    ("sum:all", (1, 2, 3, 4, 5, 6), "sum"), ("mean:0,last", (0, 6), "mean"),
    (" Concat : Embeddings , -2 ", (0, 5), "concat"), ("sum:1,last2", (1, 5, 6), "sum"),
])
def test_layer_spec_grammar(spec, layers, combine):
    parsed = parse_layers(spec, 6)
    assert (parsed.layers, parsed.combine) == (layers, combine)
    assert parsed.as_json() == {"spec": parsed.spec, "layers": list(layers), "combine": combine}


@pytest.mark.parametrize("spec, key", [
    ("max:last4", "ft_layers_bad"), ("sum:", "ft_layers_bad"), ("first", "ft_layers_bad"), ("1.5", "ft_layers_bad"),
    ("7", "ft_layers_range"), ("-8", "ft_layers_range"), ("last0", "ft_layers_range"), ("last7", "ft_layers_range"),
    ("3,3", "ft_layers_repeated"), ("last,6", "ft_layers_repeated"),
])
def test_bad_layer_specs_say_what_is_wrong_in_both_languages(spec, key):
    with raises_key(key, spec=spec):  # quotes the spec (in both languages: the texts share placeholders)
        parse_layers(spec, 6)


def test_sweep_follows_the_bert_paper_table():
    assert sweep(6) == ("embeddings", "1", "2", "3", "4", "5", "6", "sum:last4", "concat:last4", "sum:all")
    assert sweep(2)[-3:] == ("sum:last2", "concat:last2", "sum:all")
    assert all(parse_layers(s, 6) for s in sweep(6))


def test_combine_layers():
    pooled = torch.arange(2 * 4 * 3, dtype=torch.float32).reshape(2, 4, 3)  # [B, L+1, H]
    torch.testing.assert_close(combine_layers(pooled, (1, 3), "sum"), pooled[:, 1] + pooled[:, 3])
    torch.testing.assert_close(combine_layers(pooled, (1, 3), "mean"), (pooled[:, 1] + pooled[:, 3]) / 2)
    torch.testing.assert_close(combine_layers(pooled, (3, 1), "concat"), torch.cat([pooled[:, 3], pooled[:, 1]], 1))


def test_pooled_hidden_states_equal_an_unbatched_forward(tiny):
    sample = texts(DEV)
    feats, hit = pooled_hidden_states(tiny, sample, 16, batch_size=3)
    assert feats.shape == (len(sample), 4, 32) and feats.dtype == np.float32
    for i, text in enumerate(sample):
        enc = tiny.tokenizer(text, truncation=True, max_length=16, return_tensors="pt")
        with torch.no_grad():
            hidden = tiny.encoder(**enc, output_hidden_states=True).hidden_states
        np.testing.assert_allclose(feats[i], torch.stack([h[0].mean(0) for h in hidden]).numpy(), atol=1e-5)


def test_features_are_cached_once_per_model_texts_and_length(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first, hit = pooled_hidden_states(tiny, texts(TEST), 16)
    assert not hit and len(list(cache_dir().glob("*.npy"))) == 1 and cache_dir().is_relative_to(tmp_path)
    again, hit = pooled_hidden_states(tiny, texts(TEST), 16)
    assert hit and np.array_equal(first, again)
    assert not pooled_hidden_states(tiny, texts(TEST), 8)[1]  # another truncation rule
    assert not pooled_hidden_states(tiny, texts(TEST)[:-1], 16)[1]  # other texts
    other = load_model(str(make_tiny_bert(tmp_path / "other", ENGLISH, seed=5, layers=3)))
    assert not pooled_hidden_states(other, texts(TEST), 16)[1]  # other weights
    assert len(list(cache_dir().glob("*.npy"))) == 4 and not list(cache_dir().glob("*.tmp"))


def test_saved_head_is_sklearns_logistic_regression(tiny, data_file, concat_clf):
    """Refit scikit-learn by hand on the same features: its probabilities are the loaded classifier's."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import StandardScaler

    result, clf = concat_clf
    train_split = load_dataset(data_file, "train")

    def features(sample):
        pooled = pooled_hidden_states(tiny, sample, 16)[0]
        return np.concatenate([pooled[:, 0], pooled[:, 3]], axis=1).astype(np.float64)

    scaler = StandardScaler().fit(features(train_split.texts))
    ovr = OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=1000)).fit(
        scaler.transform(features(train_split.texts)), train_split.targets)
    expected = ovr.predict_proba(scaler.transform(features(texts(DEV))))
    np.testing.assert_allclose(predict_texts(clf, texts(DEV)), expected, atol=1e-5)
    np.testing.assert_allclose(result.dev_probs, expected, atol=1e-5)
    assert clf.model.head.layers == (0, 3) and clf.model.head.linear.in_features == 64


def test_the_app_reads_the_same_layers(concat_clf):
    """Predict's analysis path (LoadedModel.run with a layer-reading head) equals the batched path."""
    _, clf = concat_clf
    for text in texts(TEST):
        np.testing.assert_allclose(predict_text(clf, text).probs, predict_texts(clf, [text])[0], atol=1e-6)
    ids = clf.model.tokenizer(["the bank"], return_tensors="pt")
    logits, attentions, hidden = clf.model.run(ids["input_ids"], ids["attention_mask"])
    assert logits.shape == (1, 2) and attentions is None and hidden is None  # only what the caller asked for
    assert len(clf.model.run(ids["input_ids"], ids["attention_mask"], hidden=True)[2]) == 4


def test_sklearn_lr_card_and_classifier_json(concat_clf):
    result, clf = concat_clf
    assert clf.info["features"] == {"spec": "concat:0,last", "layers": [0, 3], "combine": "concat"}
    card = clf.card
    assert "logistic regression" in card and "`concat:0,last`" in card and "--layers concat:0,last" in card
    assert "--epochs" not in card


def test_a_label_with_one_class_in_train_gets_a_constant(tiny, tmp_path):
    """'text' is on every training row: scikit-learn keeps a constant, the head says 'always' (1 - 1e-6)."""
    def tagged(table):
        return [{"text": r["text"], "labels": [*r["labels"], "text"]} for r in rows(table)]

    for split, table in (("train", TRAIN), ("dev", DEV), ("test", TEST)):
        write_jsonl(tmp_path / f"t.{split}.jsonl", tagged(table))
    result = train(TrainArgs(data=str(tmp_path / "t.jsonl"), base=tiny.name, method="sklearn-lr",
                             out=str(tmp_path / "out"), max_length=16, progress=False))
    column = list(load_dataset(str(tmp_path / "t.jsonl"), "train").label_names).index("text")
    np.testing.assert_allclose(result.dev_probs[:, column], 1 - 1e-6, rtol=1e-9)
    assert result.record["sklearn"]["iterations"][column] == 0


def test_layers_outside_the_model_are_a_corrupt_classifier(concat_clf, tmp_path):
    _, clf = concat_clf
    broken = tmp_path / "broken"
    shutil.copytree(clf.directory, broken)
    info = json.loads((broken / "classifier.json").read_text())
    info["features"]["layers"] = [0, 9]
    (broken / "classifier.json").write_text(json.dumps(info))
    with raises_key("clf_corrupt", path=str(broken.resolve())) as err:
        load_classifier(broken)
    assert "0..3" in err.value.msg.params["error"]  # the layers the model has
