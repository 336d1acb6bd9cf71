"""Dataset readers on the real files in ../shared/data and on malformed temporary files."""

import json
from pathlib import Path

import numpy as np
import pytest

from components.core.messages import UserError, render, t
from components.finetune.data import SPLIT_SEED, XED_LABELS, DataError, MultiLabelSplit, load_dataset
from tests.tiny import GOEMOTIONS, REPO, SHARED_DATA, raises_key

XED_CN = SHARED_DATA / "xed-zh" / "cn-projections.tsv"


def where(err) -> tuple[str, int]:
    """The file name and line a DataError points at."""
    place = err.value.msg.params["where"]
    assert place.key == "ft_data_where"
    return Path(place.params["path"]).name, place.params["line"]


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
    with raises_key("ft_data_unknown_split", cls=DataError, split="holdout"):
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


def test_a_goemotions_folder_reads_label_ids_as_columns(tmp_path):
    d = load_dataset(str(_goemotions_dir(tmp_path, ["good day\t0\tid1", "meh\t1,2\tid2"])), "train")
    assert d.texts == ("good day", "meh")
    assert d.targets.tolist() == [[1, 0, 0], [0, 1, 1]]


@pytest.mark.parametrize("bad_line, key, params", [
    ("ok\t7\tid", "ft_data_id_range", {"id": "7", "lo": 0, "hi": 2}),
    ("ok\tjoy\tid", "ft_data_id_not_int", {"id": "joy"}),
    ("ok\t\tid", "ft_data_empty_id", {"field": ""}),
    ("ok only text", "ft_data_columns", {"n": 3, "found": 1}),
    ("\t0\tid", "ft_data_empty_text", {}),
])
def test_goemotions_malformed_rows_name_file_and_line(tmp_path, bad_line, key, params):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1", "also fine\t2\tid2", bad_line])
    with raises_key(key, cls=DataError, **params) as err:
        load_dataset(str(folder), "train")
    assert where(err) == ("train.tsv", 3)


def test_missing_split_file_and_missing_source(tmp_path):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1"])
    with raises_key("ft_data_no_split_file", cls=DataError, path=str(folder / "test.tsv")):
        load_dataset(str(folder), "test")
    with raises_key("ft_data_not_found", cls=DataError, source=str(tmp_path / "nope")):
        load_dataset(str(tmp_path / "nope"), "train")


def test_xed_bad_id_has_line_number(tmp_path):
    f = tmp_path / "x.tsv"
    f.write_text("一\t1\n二\t2, 9\n", encoding="utf-8")
    with raises_key("ft_data_id_range", cls=DataError, id="9", lo=1, hi=8) as err:
        load_dataset(str(f), "train")
    assert where(err) == ("x.tsv", 2)


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
    with raises_key("ft_data_bad_json", cls=DataError) as err:
        load_dataset(str(f), "train")
    assert where(err) == ("d.jsonl", 2)


def test_jsonl_missing_field_and_unknown_label(tmp_path):
    f = tmp_path / "d.train.jsonl"
    f.write_text('{"text": "a", "labels": ["joy"]}\n{"text": "b"}\n', encoding="utf-8")
    with raises_key("ft_data_missing_field", cls=DataError, field="labels") as err:
        load_dataset(str(f), "train")
    assert where(err) == ("d.train.jsonl", 2)
    f.write_text('{"text": "a", "labels": ["joy"]}\n{"text": "b", "labels": ["anger"]}\n', encoding="utf-8")
    with raises_key("ft_data_unknown_label", cls=DataError, unknown=["anger"]) as err:
        load_dataset(str(f), "train", label_names=["joy"])
    assert where(err) == ("d.train.jsonl", 2)


def test_csv_ok_and_errors(tmp_path):
    f = tmp_path / "d.dev.csv"
    f.write_text('text,labels\n"hello, you",joy|sad\nbye,sad\n', encoding="utf-8")
    d = load_dataset(str(tmp_path / "d.csv"), "dev")
    assert d.texts == ("hello, you", "bye") and d.targets.tolist() == [[1, 1], [0, 1]]
    f.write_text("text,labels\nhello,joy\n ,sad\n", encoding="utf-8")
    with raises_key("ft_data_empty_text", cls=DataError) as err:
        load_dataset(str(f), "dev")
    assert where(err) == ("d.dev.csv", 3)
    f.write_text("sentence,labels\nhello,joy\n", encoding="utf-8")
    with raises_key("ft_data_header", cls=DataError, missing=["text"]) as err:
        load_dataset(str(f), "dev")
    assert where(err) == ("d.dev.csv", 1)


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
    with raises_key("ft_data_too_few", cls=DataError, n=2, stem="d"):  # the fix names d.train, d.dev, d.test
        load_dataset(str(f), "train")


def test_split_siblings_win(tmp_path):
    _numbered_csv(tmp_path / "d.csv", 20)
    (tmp_path / "d.test.csv").write_text("text,labels\nonly test,even\n", encoding="utf-8")
    assert load_dataset(str(tmp_path / "d.csv"), "test").texts == ("only test",)
    train = load_dataset(str(tmp_path / "d.csv"), "train")
    assert len(train) == 16 and "only test" not in train.texts  # train still a part of d.csv, not all of it
    # naming a sibling finds its family
    assert load_dataset(str(tmp_path / "d.test.csv"), "train").texts == train.texts
    with raises_key("ft_data_not_found", cls=DataError):
        load_dataset(str(tmp_path / "e.csv"), "dev")


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
    with raises_key("ft_data_unknown_label", cls=DataError, unknown=["sadness"]):  # sadness is used, not named
        load_dataset(str(folder), "train", label_names=["joy", "neutral"])


def test_data_errors_are_user_errors_in_both_languages(tmp_path):
    folder = _goemotions_dir(tmp_path, ["fine\t0\tid1", "bad\t9\tid2"])
    with pytest.raises(UserError) as err:
        load_dataset(str(folder), "train")
    assert isinstance(err.value, DataError) and err.value.msg.key == "ft_data_id_range" and where(err)[1] == 2
    assert "第 2 行" in render(err.value.msg, "zh")  # the subject: the line, said in Chinese too


def test_sample_is_a_seeded_subset_kept_in_file_order():
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
    with raises_key("ft_data_needs_datasets", cls=DataError):
        load_dataset("google-research-datasets/go_emotions", "train")
    requirements = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pinned = next(line for line in requirements if line.startswith("datasets=="))
    assert f"pip install {pinned}" in t("ft_data_needs_datasets", "en")  # the version the requirements pin


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
