"""Per-label evaluation: scikit-learn's numbers, the upload reader's refusals, the classroom filter on
dataset rows, and the CLI scoring every row of a file."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support

from components.core.messages import Msg, UserError, t
from components.core.text import escape
from components.evaluate.compute import classroom_rows, cooccurrence, errors_for, evaluate_texts, per_label_metrics
from components.evaluate.figures import cooccurrence_figure, row_shares
from components.evaluate.reader import read_table
from tests.tiny import GOEMOTIONS, raises_key, shows

LABELS = ("joy", "anger", "sadness")


def test_per_label_metrics_equal_hand_counts_and_sklearn():
    t = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    p = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0], [1, 0, 1]])
    m = per_label_metrics(t, p, LABELS, [0.3, 0.5, 0.7])
    # joy: tp 2 (rows 0, 4), fp 1 (row 2), fn 1 (row 1) -> P 2/3, R 2/3
    assert m["per_label"]["joy"]["precision"] == pytest.approx(2 / 3)
    assert m["per_label"]["joy"]["recall"] == pytest.approx(2 / 3)
    # anger: tp 2, fp 0, fn 0; sadness: tp 0, fp 1, fn 1
    assert m["per_label"]["anger"]["f1"] == 1.0 and m["per_label"]["sadness"]["f1"] == 0.0
    prec, rec, f1, support = precision_recall_fscore_support(t, p, average=None, zero_division=0)
    for i, name in enumerate(LABELS):
        row = m["per_label"][name]
        assert (row["precision"], row["recall"], row["f1"], row["support"]) == (prec[i], rec[i], f1[i], support[i])
    assert [m["per_label"][n]["threshold"] for n in LABELS] == [0.3, 0.5, 0.7]
    assert m["macro_f1"] == pytest.approx(np.mean([r["f1"] for r in m["per_label"].values()]))
    micro = precision_recall_fscore_support(t, p, average="micro", zero_division=0)[2]
    assert m["micro_f1"] == pytest.approx(micro)


def test_cooccurrence_counts_every_true_predicted_pair():
    t = np.array([[1, 1, 0], [0, 0, 1]])
    p = np.array([[1, 0, 1], [0, 0, 1]])
    c = cooccurrence(t, p)
    assert c[0, 0] == 1 and c[1, 0] == 1 and c[0, 2] == 1 and c[1, 2] == 1 and c[2, 2] == 1 and c.sum() == 5


def test_the_figure_colours_each_cell_by_its_share_of_the_row_so_the_diagonal_is_recall():
    t = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]])
    p = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0], [1, 0, 1], [1, 0, 0]])
    figure = cooccurrence_figure(cooccurrence(t, p), t.sum(axis=0), LABELS, "en")
    z = np.asarray(figure.data[0].z)
    recall = precision_recall_fscore_support(t, p, average=None, zero_division=0)[1]
    assert np.allclose(np.diag(z), recall)  # joy 3/4, anger 2/2, sadness 0/1
    assert z[1, 0] == pytest.approx(0.5)  # of anger's 2 sentences, 1 was also called joy
    assert np.allclose(z * t.sum(axis=0)[:, None], cooccurrence(t, p))  # shares x row sizes = the counts
    assert shows(Msg("ev_fig_hover", true="joy", pred="joy", n=3, total=4, share="75%"), figure.data[0].text[0][0])
    assert figure.data[0].zmin == 0 and figure.data[0].zmax == 1
    # a label no sentence carries is an empty row, not a division by zero
    assert not row_shares(np.zeros((2, 2)), np.array([0, 3])).any()


@pytest.mark.parametrize("data,name,key", [
    (b"", "a.csv", "ev_empty"),
    (b"   \n", "a.csv", "ev_empty"),
    (b"sentence,emotion\nhello,joy\n", "a.csv", "ev_no_columns"),
    (b'{"sentence": "hi", "labels": []}\n', "a.jsonl", "ev_no_columns"),
    (b"text,labels\nhello,jyo\n", "a.csv", "ev_unknown_label"),
    (b"text,labels\n" + b"hi,joy\n" * 6, "a.csv", "ev_too_many_rows"),
    (b"x" * 101, "a.csv", "ev_too_large"),
    (b"text,labels\ncaf\xe9,joy\n", "a.csv", "ev_not_utf8"),
    (b'{"text": "hi", "labels": [}\n', "a.jsonl", "ev_not_table"),
    (b"text,labels\n", "a.csv", "ev_no_rows"),
    (b"text,labels\n  ,joy\n", "a.csv", "ev_empty_text"),
    (b"\x00\x01\x02text", "a.csv", "ev_not_table"),
])
def test_reader_refuses_each_bad_input_with_its_key(data, name, key):
    with pytest.raises(UserError) as exc:
        read_table(data, name, LABELS, max_rows=5, max_bytes=100)
    assert exc.value.msg.key == key


def test_reader_names_the_columns_found_and_the_closest_label():
    with raises_key("ev_no_columns", found=["sentence", "emotion"]):
        read_table(b"sentence,emotion\nhello,joy\n", "a.csv", LABELS)
    with raises_key("ev_unknown_label", label="angr", closest="anger"):
        read_table(b"text,labels\nhello,angr\n", "a.csv", LABELS)


def test_reader_reads_names_ids_separators_tsv_jsonl_and_keeps_markup_as_text():
    csv_table = read_table(b"text,labels\n<b>hi</b>,joy|anger\nok,2\nmeh,joy;sadness\nnone,\n", "a.csv", LABELS)
    assert csv_table.texts[0] == "<b>hi</b>"
    assert csv_table.targets.tolist() == [[1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 0, 0]]
    tsv = read_table(b"labels\ttext\n0,1\thello\n", "a.tsv", LABELS)
    assert tsv.texts == ("hello",) and tsv.targets.tolist() == [[1, 1, 0]]
    jl = read_table(b'{"text": "hi", "labels": ["anger"]}\n\n{"text": "yo", "labels": "joy,1"}\n', "a.jsonl",
                    LABELS)
    assert jl.targets.tolist() == [[0, 1, 0], [1, 1, 0]]


def test_classroom_filter_hides_offensive_dataset_rows_and_says_how_many():
    texts = ["thank you so much", "you fucking idiot", "what a shit day", "I love this song"]
    rows = [(i, 0.5) for i in range(len(texts))]
    shown, hidden = classroom_rows(rows, texts)
    assert [i for i, _ in shown] == [0, 3] and hidden == 2
    everything, none_hidden = classroom_rows(rows, texts, classroom=False)  # negative control: filter off
    assert len(everything) == 4 and none_hidden == 0
    clean, zero = classroom_rows([(0, 0.1), (3, 0.2)], texts)  # negative control: clean rows all shown
    assert len(clean) == 2 and zero == 0


def test_errors_for_a_label_lists_misses_and_false_alarms(toy_head):
    texts = ("the bank of the river", "fish in muddy water", "my loan and deposit", "the river shore")
    targets = np.array([[1, 1], [0, 1], [1, 0], [1, 0]])
    ev = evaluate_texts(toy_head, texts, targets)
    label = ev.labels[0]
    misses, alarms = errors_for(ev, label)
    j = 0
    assert {i for i, _ in misses} == {i for i in range(4) if targets[i, j] and not ev.preds[i, j]}
    assert {i for i, _ in alarms} == {i for i in range(4) if not targets[i, j] and ev.preds[i, j]}


@pytest.fixture(scope="module")
def toy_head(tiny_base, data_file, tmp_path_factory):
    """A head trained for 5 epochs only on the toy data (the shared toy runs train 30)."""
    from components.core.classifier import load_classifier
    from components.finetune.train import TrainArgs, train

    result = train(TrainArgs(data=data_file, base=tiny_base, method="head", epochs=5, lr=5e-2, batch_size=4,
                             max_length=16, progress=False, out=str(tmp_path_factory.mktemp("ev-clf") / "clf")))
    return load_classifier(result.out)


@pytest.fixture(scope="module")
def app(toy_head):
    from components.core.services import AppConfig
    from components.ui.serving import serve

    base = str(toy_head.info["base_model"])
    config = AppConfig(models=(base,), default_model=base, classifier=str(toy_head.directory),
                       warm_up=False, concurrency=2, live_training=False)
    with serve(config, max_size=20) as demo:
        yield demo


def test_app_evaluates_an_uploaded_csv_label_by_label(app, tmp_path):
    from gradio_client import Client, handle_file

    data = tmp_path / "class.csv"
    data.write_text("text,labels\n<b>the bank of the river</b>,money|water\nfish in muddy water,water\n"
                    "my loan and deposit,money\nthe river shore,water\n", encoding="utf-8")
    client = Client(app.local_url, verbose=False)
    summary, table, _plot, label, mistakes = client.predict("shipped", "upload", handle_file(str(data)), True,
                                                            api_name="/evaluate")
    assert "**4 sentences**" in summary
    assert [r[0] for r in table["data"]] == ["money", "water"] and [r[4] for r in table["data"]] == [2, 3]
    # every score reads with three decimals (a 0.8 is "0.800" beside "0.353"), the threshold with two
    shown = table["metadata"]["display_value"]
    assert all(re.fullmatch(r"\d\.\d{3}", cell) for row in shown for cell in row[1:4]), shown
    assert [row[4] for row in shown] == ["2", "3"] and all(re.fullmatch(r"\d\.\d{2}", row[5]) for row in shown)
    assert [float(cell) for cell in shown[0][1:4]] == [round(v, 3) for v in table["data"][0][1:4]]
    assert label["value"] in {"money", "water"}
    assert "<b>the bank" not in mistakes  # markup shown as text
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,emotion\nhi,joy\n", encoding="utf-8")
    with pytest.raises(Exception) as err:
        client.predict("shipped", "upload", handle_file(str(bad)), True, api_name="/evaluate")
    assert shows(Msg("ev_no_columns", found=["sentence", "emotion"]), str(err.value))
    client.close()


@pytest.mark.minilm
def test_cli_scores_every_row_of_a_150_row_jsonl(tmp_path, capsys):
    from components.cli import main

    lines = (GOEMOTIONS / "test.tsv").read_text(encoding="utf-8").splitlines()[:150]
    names = (GOEMOTIONS / "emotions.txt").read_text(encoding="utf-8").split()
    path = tmp_path / "class.jsonl"
    path.write_text("".join(json.dumps({"text": line.split("\t")[0],
                                        "labels": [names[int(i)] for i in line.split("\t")[1].split(",")]}) + "\n"
                            for line in lines), encoding="utf-8")
    assert main(["evaluate", "--data", str(path), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["n_examples"] == 150 and len(m["per_label"]) == 28
    assert all("threshold" in v for v in m["per_label"].values())
    assert m["macro_f1"] == pytest.approx(np.mean([v["f1"] for v in m["per_label"].values()]))
    assert 0 < m["micro_f1"] <= 1


def test_mistakes_show_markup_as_text_link_to_predict_and_say_what_the_filter_hid():
    from components.evaluate.compute import Evaluation
    from components.evaluate.view import mistakes_html

    texts = ("<img src=x onerror=alert(1)>", "what a shit day", "thank you")
    ev = Evaluation(texts, np.array([[1], [1], [0]]), np.array([[0.1], [0.2], [0.9]]), np.array([[0], [0], [1]]),
                    ("joy",), np.array([0.5]))
    html = mistakes_html(ev, "joy", True, "en")
    assert "<img" not in html and "&lt;img src=x" in html
    assert "?tab=predict&amp;text=thank+you" in html and escape(t("ev_hidden", "en", n=1)) in html
    assert "shit" not in html
    assert "shit" in mistakes_html(ev, "joy", False, "en")  # negative control: filter off shows the row
