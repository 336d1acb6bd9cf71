"""The measured comparison: training records written by `train` on a tiny BERT, read back for the table and
the learning curves; unreadable records and a missing layer sweep are explained, never guessed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from components.finetune.figures import curves_figure
from components.finetune.records import comparison, epoch_axis, read_layers, read_records, smooth
from components.finetune.tab import measured
from components.finetune.view import COLUMNS


def test_records_written_by_train_fill_one_row_each(records_dir, toy_runs):
    records, notes = read_records(records_dir)
    assert notes == []
    assert [r.method for r in records] == ["head", "lora"]  # feature extraction first
    for r in records:
        raw = json.loads((toy_runs[r.method] / "training_record.json").read_text())
        assert r.test_macro_f1 == raw["metrics"]["test"]["macro_f1"]
        assert (r.trained, r.total) == (raw["parameters"]["trained"], raw["parameters"]["total"])
        assert len(r.loss) == len(raw["loss"]) and r.dev_macro_f1 == tuple(raw["dev_macro_f1"])
    rows = comparison(records, [])
    head, lora = rows
    assert head.kind == "extract" and lora.kind == "tune"
    assert 0 < head.share < lora.share < 1  # the head trains fewer weights than head + adapters


def test_table_in_both_languages_has_every_column(records_dir, monkeypatch, tmp_path):
    from components.finetune import records

    monkeypatch.setattr(records, "RECORDS_DIR", records_dir)
    monkeypatch.setattr(records, "LAYERS_TABLE", tmp_path / "no-sweep-yet.json")  # the repo ships one: hide it
    for lang, header in (("en", "test macro-F1"), ("zh", "测试集宏平均 F1")):
        frame, notes, fig = measured(lang)
        assert len(frame["headers"]) == len(COLUMNS) and header in frame["headers"]
        assert len(frame["data"]) == 2 and all(len(row) == len(COLUMNS) for row in frame["data"])
        assert frame["data"][0][-3].endswith("%")
        assert "benchmarks/finetune_layers_bench.py" in notes  # the layer sweep is not there: say how to get it
    assert "特征提取" in measured("zh")[0]["data"][0][1]
    epochs = COLUMNS.index("epochs")
    assert [row[epochs] for row in measured("en")[0]["data"]] == [r.epochs for r in read_records(records_dir)[0]]


def test_unreadable_or_missing_records_are_named_not_guessed(tmp_path, records_dir):
    (tmp_path / "head.json").write_text((records_dir / "head.json").read_text())
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "old.json").write_text(json.dumps({"record_version": 0}))
    records, notes = read_records(tmp_path)
    assert [r.method for r in records] == ["head"]
    assert sorted((n.key, n.params["path"]) for n in notes) == [("ft_cmp_bad_record", "broken.json"),
                                                                 ("ft_cmp_bad_record", "old.json")]
    empty, notes = read_records(tmp_path / "nothing-here")
    assert empty == [] and [n.key for n in notes] == ["ft_cmp_no_records"]  # run `train`: it writes the records


def test_layer_sweep_rows_appear_when_its_table_exists(tmp_path):
    sweep = {"rows": [
        {"kind": "feature-extraction", "method": "sklearn-lr", "spec": "0", "layers": [0], "combine": "mean",
         "test_macro_f1": 0.21, "test_micro_f1": 0.35, "trained_parameters": 10780, "total_parameters": 22723996,
         "fit_seconds": 41.0, "size_bytes": 57000},
        {"kind": "feature-extraction", "method": "sklearn-lr", "spec": "concat:last4", "layers": [3, 4, 5, 6],
         "combine": "concat", "test_macro_f1": 0.40, "test_micro_f1": 0.49, "trained_parameters": 43036,
         "total_parameters": 22756252, "fit_seconds": 90.0, "size_bytes": 180000},
        {"kind": "fine-tuning", "method": "lora", "spec": None, "test_macro_f1": 0.5, "test_micro_f1": 0.55,
         "trained_parameters": 1, "total_parameters": 2, "wall_seconds": 1.0, "size_bytes": 1}]}
    path = tmp_path / "finetune_layers.json"
    path.write_text(json.dumps(sweep))
    rows, note = read_layers(path)
    assert [r.spec for r in rows] == ["0", "concat:last4"] and all(r.fit_only for r in rows)
    assert note.key == "ft_cmp_layers_note" and note.params["n"] == 6  # 6 is the last layer; the figures number alike
    assert [r.spec for r in comparison([], rows)] == ["concat:last4", "0"]  # best first
    missing, note = read_layers(tmp_path / "absent.json")
    assert missing == [] and note.key == "ft_cmp_layers_missing"  # how to produce the table


def test_smoothing_is_the_bias_corrected_moving_average():
    values = np.random.default_rng(0).random(300)
    ema, expected = 0.0, []
    for step, value in enumerate(values, 1):  # TensorBoard's recurrence, divided by 1 - weight**step
        ema = 0.98 * ema + 0.02 * value
        expected.append(ema / (1 - 0.98 ** step))
    np.testing.assert_allclose(smooth(values, 0.98), expected, rtol=1e-10)
    assert smooth([], 0.9).size == 0


def test_curves_share_one_epoch_axis(records_dir):
    records, _ = read_records(records_dir)
    fig = curves_figure(records, "en")
    loss = [tr for tr in fig.data if tr.xaxis == "x"]
    dev = [tr for tr in fig.data if tr.xaxis == "x2"]
    assert len(loss) == len(dev) == len(records)
    for trace, record in zip(loss, records):
        assert trace.x[-1] == pytest.approx(record.epochs)  # the last step ends the last epoch
        assert len(trace.x) <= 402
    for trace, record in zip(dev, records):
        assert list(trace.y) == list(record.dev_macro_f1)
    assert fig.layout.yaxis.type == "log"
    assert epoch_axis(4, 2).tolist() == [0.5, 1.0, 1.5, 2.0]
    zh = curves_figure(records, "zh")
    assert zh.layout.xaxis.title.text == "轮次" and "特征提取" in zh.data[0].name


def test_runs_of_very_different_length_share_a_log_epoch_axis():
    from components.finetune.records import Record

    def run(method: str, epochs: int, steps: int) -> Record:
        loss = tuple(np.linspace(0.7, 0.1, steps))
        return Record(name=method, method=method, test_macro_f1=0.3, test_micro_f1=0.4, trained=1, total=2,
                      wall_seconds=1.0, size_bytes=1, loss=loss, dev_macro_f1=(0.3,) * epochs, epochs=epochs)

    mixed = curves_figure([run("head", 20, 2000), run("lora", 1, 100)], "zh")
    assert mixed.layout.xaxis.type == "log" and mixed.layout.xaxis.title.text == "轮次（对数刻度）"
    assert min(mixed.data[2].x) > 0  # the shortest run's first step is drawn, not at log(0)
    alike = curves_figure([run("head", 3, 300), run("lora", 1, 100)], "en")
    assert alike.layout.xaxis.type != "log" and alike.layout.xaxis.title.text == "epoch"


def test_the_sentence_under_the_table_says_which_kind_scored_higher_from_the_rows_themselves():
    from components.finetune.records import Row
    from components.finetune.view import which_scored_higher

    def row(method, kind, f1, spec=None):
        return Row(method=method, kind=kind, macro_f1=f1, micro_f1=f1, trained=1, total=1, seconds=1.0,
                   size_bytes=1, spec=spec)

    tuned = which_scored_higher([row("head", "extract", 0.35), row("lora", "tune", 0.52), row("full", "tune", 0.51),
                                 row("sklearn-lr", "extract", 0.40, spec="sum:all")])
    assert tuned.key == "ft_cmp_verdict_tune" and tuned.params["tune"] == "lora"
    assert tuned.params["extract"] == "sklearn-lr sum:all" and tuned.params["extract_f1"] == "0.400"
    frozen = which_scored_higher([row("head", "extract", 0.45), row("lora", "tune", 0.30)])  # the 1-epoch past
    assert frozen.key == "ft_cmp_verdict_extract"
    assert which_scored_higher([row("head", "extract", 0.35)]) is None  # nothing to compare: no sentence
