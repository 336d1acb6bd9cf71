"""`python app.py predict` and `python app.py explain`: JSON shapes, --input order, one load, errors per line.

The CLI's numbers equal the API's on the shipped classifier in test_explain_app.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components.cli import main
from components.cli.explain import DEFAULT_STEPS, METHODS
from components.core.classifier import load_classifier
from components.core.messages import Msg
from components.core.models import load_counts
from components.explain import compute
from components.explain.compute import MAX_STEPS
from components.predict.compute import predict_text
from tests.tiny import LABELS, make_tiny_classifier, shows

REPO = Path(__file__).resolve().parents[1]
EXPLAIN_KEYS = ["text", "label", "prob", "baseline_prob", "completeness_gap", "tokens", "attributions"]


@pytest.fixture(scope="module")
def clf_dir(tmp_path_factory) -> Path:
    return make_tiny_classifier(tmp_path_factory.mktemp("cli") / "clf", "bert", seed=21)


def run_cli(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line.strip()], err


def write_lines(path: Path, rows: list) -> Path:
    """JSON lines, and any string as a line of its own (the malformed lines a script may send)."""
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_cli_options_match_the_lessons_constants():
    assert METHODS == compute.METHODS and DEFAULT_STEPS == compute.DEFAULT_STEPS


def test_explain_json_has_the_issues_shape(capsys, clf_dir):
    code, lines, _ = run_cli(capsys, "explain", "the bank raised interest rates", "--classifier", str(clf_dir),
                             "--json")
    assert code == 0 and len(lines) == 1
    record = json.loads(lines[0])
    assert list(record) == EXPLAIN_KEYS
    assert record["text"] == "the bank raised interest rates" and record["label"] in LABELS
    assert record["tokens"] == ["[CLS]", "the", "bank", "raised", "interest", "rates", "[SEP]"]
    assert len(record["attributions"]) == len(record["tokens"])
    gap = (sum(record["attributions"]) - (record["prob"] - record["baseline_prob"])) / abs(
        record["prob"] - record["baseline_prob"])
    assert record["completeness_gap"] == pytest.approx(gap, rel=1e-6, abs=1e-9)
    expected = compute.explain(load_classifier(clf_dir), "the bank raised interest rates")
    assert record["prob"] == pytest.approx(expected.value) and record["label"] == expected.label


def test_explain_label_method_and_steps_are_used(capsys, clf_dir):
    code, lines, _ = run_cli(capsys, "explain", "the river bank", "--classifier", str(clf_dir), "--label", "sadness",
                             "--method", "gradxinput", "--json")
    record = json.loads(lines[0])
    expected = compute.explain(load_classifier(clf_dir), "the river bank", "sadness", "gradxinput")
    assert code == 0 and record["label"] == "sadness"
    assert record["attributions"] == pytest.approx(expected.attributions.tolist())
    _, lines, _ = run_cli(capsys, "explain", "the river bank", "--classifier", str(clf_dir), "--steps", "4", "--json")
    coarse = compute.explain(load_classifier(clf_dir), "the river bank", None, "ig", "probability", 4)
    assert json.loads(lines[0])["attributions"] == pytest.approx(coarse.attributions.tolist())


def test_predict_json_is_the_predict_tabs_numbers(capsys, clf_dir):
    code, lines, _ = run_cli(capsys, "predict", "we sat on the river bank", "--classifier", str(clf_dir), "--json")
    record = json.loads(lines[0])
    pred = predict_text(load_classifier(clf_dir), "we sat on the river bank")
    assert code == 0 and list(record) == ["text", "scores", "predicted"]
    assert list(record["scores"]) == list(LABELS)
    assert record["scores"] == pytest.approx(pred.scores())
    assert record["predicted"] == pred.predicted()


def test_input_file_gives_one_object_per_line_in_order_with_one_load(capsys, tmp_path):
    fresh = make_tiny_classifier(tmp_path / "fresh", "bert", seed=22)
    texts = ["the bank", "the river", "we sat on the shore", "my phone"]
    path = write_lines(tmp_path / "in.jsonl", [{"text": texts[0]}, {"text": texts[1], "label": "joy"}, "",
                                                {"text": texts[2]}, {"text": texts[3], "label": None}])
    code, lines, _ = run_cli(capsys, "explain", "--input", str(path), "--classifier", str(fresh), "--json")
    records = [json.loads(line) for line in lines]
    assert code == 0 and [r["text"] for r in records] == texts
    assert records[1]["label"] == "joy"
    assert load_counts[str(fresh)] == 1  # loaded once for the whole file
    code, lines, _ = run_cli(capsys, "predict", "--input", str(path), "--classifier", str(fresh), "--json")
    assert code == 0 and [json.loads(line)["text"] for line in lines] == texts and load_counts[str(fresh)] == 1


def test_a_bad_line_prints_its_error_in_place_and_fails_the_run(capsys, clf_dir, tmp_path):
    path = write_lines(tmp_path / "mixed.jsonl", [{"text": "the bank"}, "not json", {"text": ""},
                                                  {"text": "the bank", "label": "happiness"}, ["a list"],
                                                  {"text": "the river"}])
    code, lines, _ = run_cli(capsys, "explain", "--input", str(path), "--classifier", str(clf_dir), "--json")
    records = [json.loads(line) for line in lines]
    assert code == 1 and len(records) == 6
    assert records[0]["text"] == "the bank" and records[5]["text"] == "the river"
    assert records[1] == {"line": 2, "error": "invalid JSON (Expecting value)"}
    assert records[2]["line"] == 3 and shows("text_empty", records[2]["error"])
    assert records[3]["line"] == 4 and shows(Msg("expl_unknown_label", label="happiness", labels=list(LABELS)),
                                             records[3]["error"])
    assert records[4]["line"] == 5 and "expected an object" in records[4]["error"]


def said_on_a_line(prefix: str, message: Msg | str, err: str) -> bool:
    """A line of stderr is ``prefix`` and then the message (the CLI writes messages in English)."""
    return any(line.startswith(prefix) and shows(message, line[len(prefix):]) for line in err.splitlines())


def test_single_text_errors_go_to_stderr_with_status_1(capsys, clf_dir):
    code, lines, err = run_cli(capsys, "explain", "   ", "--classifier", str(clf_dir), "--json")
    assert code == 1 and lines == [] and said_on_a_line("error: ", "text_empty", err)
    code, _, err = run_cli(capsys, "explain", "the bank", "--classifier", str(clf_dir), "--steps", "0")
    assert code == 1 and said_on_a_line("error: ", Msg("expl_steps_range", limit=MAX_STEPS), err)
    code, _, err = run_cli(capsys, "predict", "--classifier", str(clf_dir))
    assert code == 2 and "either a text or --input" in err
    code, _, err = run_cli(capsys, "predict", "--input", "/nonexistent.jsonl")
    assert code == 2 and "no such file" in err


def test_long_text_is_explained_on_what_was_read_with_a_warning(capsys, clf_dir):
    code, lines, err = run_cli(capsys, "explain", "the bank " * 60, "--classifier", str(clf_dir), "--json")
    assert code == 0 and len(json.loads(lines[0])["tokens"]) == 64
    assert said_on_a_line("warning: ", Msg("expl_truncated", full=122, shown=64), err)


def test_without_json_the_cli_prints_one_line_per_token_and_per_label(capsys, clf_dir):
    _, lines, _ = run_cli(capsys, "explain", "the bank", "--classifier", str(clf_dir), "--label", "joy")
    assert lines[0].startswith("joy: ") and "completeness gap" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == ["[CLS]", "the", "bank", "[SEP]"]
    _, lines, _ = run_cli(capsys, "predict", "the bank", "--classifier", str(clf_dir))
    assert sorted(line.split()[-2] for line in lines) == sorted(LABELS)


def test_the_real_command_prints_only_json_lines_on_stdout(clf_dir, tmp_path):
    """A separate process, as a researcher runs it: stdout is JSON lines, logs and warnings go to stderr."""
    path = write_lines(tmp_path / "in.jsonl", [{"text": "the bank"}, {"text": "the river bank", "label": "joy"}])
    out = subprocess.run([sys.executable, "app.py", "explain", "--input", str(path), "--classifier", str(clf_dir),
                          "--json"], cwd=REPO, capture_output=True, text=True, timeout=300,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [list(r) for r in records] == [EXPLAIN_KEYS, EXPLAIN_KEYS] and records[1]["label"] == "joy"
