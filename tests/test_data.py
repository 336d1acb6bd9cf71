"""Dataset readers on the real files in ../shared/data and on malformed temporary files."""

import json
from pathlib import Path

import numpy as np
import pytest

from components.core.messages import UserError, render
from components.finetune.data import SPLIT_SEED, XED_LABELS, DataError, MultiLabelSplit, load_dataset

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GOEMOTIONS = DATA / "goemotions"
XED_CN = DATA / "xed-zh" / "cn-projections.tsv"


@pytest.fixture(scope="module")
def goemotions():
    return {s: load_dataset(str(GOEMOTIONS), s) for s in ("train", "dev", "test")}


def test_goemotions_counts_match_readme(goemotions):
    assert [len(goemotions[s]) for s in ("train", "dev", "test")] == [43_410, 5_426, 5_427]
    multi = {s: int((d.targets.sum(1) > 1).sum()) for s, d in goemotions.items()}
    assert multi == {"train": 7_102, "dev": 878, "test": 837}
    for d in goemotions.values():
        assert isinstance(d, MultiLabelSplit)
        assert len(d.label_names) == 28 and d.targets.shape == (len(d), 28)
        assert d.targets.dtype == np.uint8 and d.targets.sum(1).min() >= 1
        assert d.label_names[0] == "admiration" and d.label_names[-1] == "neutral"
        assert d.skipped == 0


def test_goemotions_first_row(goemotions):
    d = goemotions["train"]
    assert d.texts[0] == "My favourite food is anything I didn't have to cook myself."
    assert [d.label_names[i] for i in np.flatnonzero(d.targets[0])] == ["neutral"]


def test_split_alias_and_unknown_split():
    assert len(load_dataset(str(GOEMOTIONS), "validation")) == 5_426
    with pytest.raises(DataError, match="Unknown split"):
        load_dataset(str(GOEMOTIONS), "holdout")


def test_xed_split_is_deterministic_and_complete():
    parts = {s: load_dataset(str(XED_CN), s) for s in ("train", "dev", "test")}
    assert sum(len(p) for p in parts.values()) == 1_395
    assert [len(parts[s]) for s in ("train", "dev", "test")] == [1_116, 140, 139]
    assert sum(int((p.targets.sum(1) > 1).sum()) for p in parts.values()) == 470
    assert parts["train"].label_names == XED_LABELS
    again = load_dataset(str(XED_CN), "test")
    assert again.texts == parts["test"].texts and (again.targets == parts["test"].targets).all()
    # ids are 1-based: row "艾贝出版社的老关 老字号<TAB>1, 3" -> anger, disgust
    everything = {t: y for p in parts.values() for t, y in zip(p.texts, p.targets)}
    row = everything["艾贝出版社的老关 老字号"]
    assert [XED_LABELS[i] for i in np.flatnonzero(row)] == ["anger", "disgust"]


def _goemotions_dir(tmp_path, train_lines):
    (tmp_path / "emotions.txt").write_text("joy\nsadness\nneutral", encoding="utf-8")
    (tmp_path / "train.tsv").write_text("\n".join(train_lines) + "\n", encoding="utf-8")
    return tmp_path


def test_goemotions_dir_small(tmp_path):
    d = load_dataset(str(_goemotions_dir(tmp_path, ["good day\t0\tid1", "meh\t1,2\tid2"])), "train")
    assert d.texts == ("good day", "meh")
    assert d.targets.tolist() == [[1, 0, 0], [0, 1, 1]]


@pytest.mark.parametrize("bad_line, reason", [
    ("ok\t7\tid", "outside 0..2"),
    ("ok\tjoy\tid", "not an integer"),
    ("ok\t\tid", "empty label id"),
    ("ok only text", "expected 3 tab-separated columns"),
    ("\t0\tid", "empty text"),
])
def test_goemotions_malformed_rows_name_file_and_line(tmp_path, bad_line, reason):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1", "also fine\t2\tid2", bad_line])
    with pytest.raises(DataError) as err:
        load_dataset(str(folder), "train")
    msg = str(err.value)
    assert "train.tsv, line 3" in msg and reason in msg


def test_missing_split_file_and_missing_source(tmp_path):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1"])
    with pytest.raises(DataError, match="test.tsv does not exist"):
        load_dataset(str(folder), "test")
    with pytest.raises(DataError, match="neither a file"):
        load_dataset(str(tmp_path / "nope"), "train")


def test_xed_bad_id_has_line_number(tmp_path):
    f = tmp_path / "x.tsv"
    f.write_text("一\t1\n二\t2, 9\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"x.tsv, line 2: label id 9 is outside 1..8"):
        load_dataset(str(f), "train")


def test_jsonl_lists_and_strings(tmp_path):
    f = tmp_path / "d.train.jsonl"
    rows = [{"text": "a", "labels": ["joy"]}, {"text": "b", "labels": "sad|joy"}, {"text": "c", "labels": "calm, joy"}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    d = load_dataset(str(f), "train")
    assert d.label_names == ("calm", "joy", "sad")  # sorted union
    assert d.targets.tolist() == [[0, 1, 0], [0, 1, 1], [1, 1, 0]]
    given = load_dataset(str(f), "train", label_names=["sad", "joy", "calm", "other"])
    assert given.targets.tolist() == [[0, 1, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0]]


def test_jsonl_invalid_line(tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text('{"text": "a", "labels": ["joy"]}\n{"text": "b", "labels": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d.jsonl, line 2: invalid JSON"):
        load_dataset(str(f), "train")


def test_jsonl_missing_field_and_unknown_label(tmp_path):
    f = tmp_path / "d.train.jsonl"
    f.write_text('{"text": "a", "labels": ["joy"]}\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: missing 'labels'"):
        load_dataset(str(f), "train")
    f.write_text('{"text": "a", "labels": ["joy"]}\n{"text": "b", "labels": ["anger"]}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: unknown label"):
        load_dataset(str(f), "train", label_names=["joy"])


def test_csv_ok_and_errors(tmp_path):
    f = tmp_path / "d.dev.csv"
    f.write_text('text,labels\n"hello, you",joy|sad\nbye,sad\n', encoding="utf-8")
    d = load_dataset(str(tmp_path / "d.csv"), "dev")
    assert d.texts == ("hello, you", "bye") and d.targets.tolist() == [[1, 1], [0, 1]]
    f.write_text("text,labels\nhello,joy\n ,sad\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d.dev.csv, line 3: empty text"):
        load_dataset(str(f), "dev")
    f.write_text("sentence,labels\nhello,joy\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"d.dev.csv, line 1: header lacks column\(s\) text"):
        load_dataset(str(f), "dev")


def _numbered_csv(path, n, label=lambda i: "even" if i % 2 == 0 else "odd"):
    path.write_text("text,labels\n" + "".join(f"row {i},{label(i)}\n" for i in range(n)), encoding="utf-8")
    return path


def test_one_file_is_split_80_10_10_without_overlap(tmp_path):
    f = _numbered_csv(tmp_path / "d.csv", 100)
    parts = {s: load_dataset(str(f), s) for s in ("train", "dev", "test")}
    assert [len(parts[s]) for s in ("train", "dev", "test")] == [80, 10, 10]
    seen = [set(p.texts) for p in parts.values()]
    assert set().union(*seen) == {f"row {i}" for i in range(100)}
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])  # never train = dev = test
    again = load_dataset(str(f), "test")
    assert again.texts == parts["test"].texts  # the same file always gives the same parts
    expected = sorted(np.random.default_rng(SPLIT_SEED).permutation(100)[90:])
    assert list(parts["test"].texts) == [f"row {i}" for i in expected]  # the documented rule, in file order
    assert f"seeded 80/10/10 split, seed {SPLIT_SEED}" in parts["dev"].source


def test_every_part_of_one_file_has_the_files_labels(tmp_path):
    """A label that happens to fall only into train still gets its column in dev and test."""
    f = _numbered_csv(tmp_path / "d.csv", 30, label=lambda i: "rare" if i == 0 else "common")
    names = {s: load_dataset(str(f), s).label_names for s in ("train", "dev", "test")}
    assert set(names.values()) == {("common", "rare")}


def test_small_files_still_get_three_parts_and_tiny_ones_are_refused(tmp_path):
    f = _numbered_csv(tmp_path / "d.csv", 3)
    assert [len(load_dataset(str(f), s)) for s in ("train", "dev", "test")] == [1, 1, 1]
    f = _numbered_csv(tmp_path / "d.csv", 2)
    with pytest.raises(DataError) as err:
        load_dataset(str(f), "train")
    assert err.value.msg.key == "ft_data_too_few" and "d.train" in str(err.value)


def test_split_siblings_win(tmp_path):
    _numbered_csv(tmp_path / "d.csv", 20)
    (tmp_path / "d.test.csv").write_text("text,labels\nonly test,even\n", encoding="utf-8")
    assert load_dataset(str(tmp_path / "d.csv"), "test").texts == ("only test",)
    train = load_dataset(str(tmp_path / "d.csv"), "train")
    assert len(train) == 16 and "only test" not in train.texts  # train still a part of d.csv, not all of it
    # naming a sibling finds its family
    assert load_dataset(str(tmp_path / "d.test.csv"), "train").texts == train.texts
    with pytest.raises(DataError) as err:
        load_dataset(str(tmp_path / "e.csv"), "dev")
    assert err.value.msg.key == "ft_data_not_found"


def test_xed_is_split_by_the_same_rule(tmp_path):
    f = tmp_path / "x.tsv"
    f.write_text("".join(f"句{i}\t{1 + i % 8}\n" for i in range(50)), encoding="utf-8")
    parts = {s: load_dataset(str(f), s) for s in ("train", "dev", "test")}
    assert [len(p) for p in parts.values()] == [40, 5, 5]
    assert not set(parts["train"].texts) & set(parts["test"].texts)


def test_dev_read_with_train_names_keeps_columns(tmp_path):
    """Dev lacks 'anger' (train's first label): without train's names every column would shift left."""
    (tmp_path / "d.train.csv").write_text("text,labels\na,anger\nb,joy\nc,sad\n", encoding="utf-8")
    (tmp_path / "d.dev.csv").write_text("text,labels\nd,joy\ne,sad|joy\n", encoding="utf-8")
    names = load_dataset(str(tmp_path / "d.csv"), "train").label_names
    alone = load_dataset(str(tmp_path / "d.csv"), "dev")
    assert alone.label_names == ("joy", "sad")  # the shift the label_names argument prevents
    dev = load_dataset(str(tmp_path / "d.csv"), "dev", label_names=names)
    assert dev.label_names == ("anger", "joy", "sad") and dev.targets.tolist() == [[0, 1, 0], [0, 1, 1]]


def test_fixed_label_sources_are_aligned_by_name(tmp_path):
    folder = _goemotions_dir(tmp_path, ["good day\t0\tid1", "meh\t1,2\tid2"])
    d = load_dataset(str(folder), "train", label_names=["neutral", "joy", "sadness", "fear"])
    assert d.targets.tolist() == [[0, 1, 0, 0], [1, 0, 1, 0]]
    with pytest.raises(DataError) as err:
        load_dataset(str(folder), "train", label_names=["joy", "neutral"])  # sadness is used, not named
    assert err.value.msg.key == "ft_data_unknown_label" and "sadness" in str(err.value)


def test_data_errors_are_user_errors_in_both_languages(tmp_path):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1", "bad\t9\tid2"])
    with pytest.raises(UserError) as err:
        load_dataset(str(folder), "train")
    assert isinstance(err.value, DataError)
    assert "line 2" in str(err.value) and "第 2 行" in render(err.value.msg, "zh")


def test_sample():
    d = MultiLabelSplit(("a", "b", "c", "d"), np.eye(4, dtype=np.uint8), ("w", "x", "y", "z"), "mem")
    two = d.sample(2, seed=3)
    assert len(two) == 2 and d.sample(None) is d and d.sample(10) is d
    assert two.texts == d.sample(2, seed=3).texts and list(two.texts) == sorted(two.texts)
    assert {tuple(d.sample(2, seed=s).texts) for s in range(10)} != {two.texts}  # the seed matters
    rows = [d.texts.index(t) for t in two.texts]
    assert two.targets.tolist() == d.targets[rows].tolist()


def test_hub_source_without_datasets_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "datasets", None)  # import fails, no network touched
    with pytest.raises(DataError, match=r"pip install datasets==5.2.0"):
        load_dataset("google-research-datasets/go_emotions", "train")


def test_hub_source_conversion_with_a_fake_datasets_module(monkeypatch):
    import sys
    import types

    calls = []

    class Split(dict):
        features = {"labels": types.SimpleNamespace(feature=types.SimpleNamespace(names=["joy", "sad", "neutral"]))}

    def fake_load(name, config, split):
        calls.append((name, config, split))
        return Split(text=["yay", "hm"], labels=[[0], [1, 2]])

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=fake_load))
    d = load_dataset("google-research-datasets/go_emotions", "dev")
    assert calls == [("google-research-datasets/go_emotions", "simplified", "validation")]
    assert d.label_names == ("joy", "sad", "neutral") and d.targets.tolist() == [[1, 0, 0], [0, 1, 1]]
