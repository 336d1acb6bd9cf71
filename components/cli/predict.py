"""`python app.py predict`: every label's probability for a text, as the Predict tab shows it.

    python app.py predict "Thank you so much!" --json
    python app.py predict --input texts.jsonl --classifier DIR --json

Design decision: the command calls the very function the tab calls (``predict_text``: the classifier's
own truncation and activation, its tuned thresholds), so a script and the class see the same numbers.
``--input`` reads one ``{"text": ...}`` per line and prints one JSON object per line, in order, with the
classifier loaded once; a line that fails prints ``{"line": N, "error": ...}`` in its place and the
command ends with status 1, so the output stays aligned with the input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["add_common", "iter_jsonl", "register", "run_lines"]


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, {"text": ..., optional "label"} or None, error or None) for each non-blank line."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON ({exc.msg})"
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, None, 'expected an object {"text": ...}'
        elif "label" in item and not isinstance(item["label"], str | None):
            yield number, None, '"label" must be a string'
        else:
            yield number, item, None


def _emit(record: dict, as_json: bool, show: Callable[[dict], str]) -> None:
    print(json.dumps(record, ensure_ascii=False) if as_json else show(record), flush=True)


def run_lines(args: argparse.Namespace, compute: Callable[[str, str | None], tuple[dict, list]],
              show: Callable[[dict], str]) -> int:
    """Run ``compute(text, label) -> (record, warnings)`` on the argument or on every line of ``--input``."""
    from components.core.messages import render

    if (args.text is None) == (args.input is None):
        print("error: give either a text or --input FILE.jsonl", file=sys.stderr)
        return 2
    if args.text is not None:
        try:
            record, notes = compute(args.text, getattr(args, "label", None))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for note in notes:
            print(f"warning: {render(note, 'en')}", file=sys.stderr)
        _emit(record, args.json, show)
        return 0
    path = Path(args.input)
    if not path.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 2
    failed = 0
    for number, item, problem in iter_jsonl(path):
        if item is not None:
            try:
                record, notes = compute(item["text"], item.get("label") or getattr(args, "label", None))
            except ValueError as exc:
                problem = str(exc)
            else:
                for note in notes:
                    print(f"warning: {path.name} line {number}: {render(note, 'en')}", file=sys.stderr)
                _emit(record, args.json, show)
                continue
        failed += 1
        _emit({"line": number, "error": problem}, True, show)
    return 1 if failed else 0


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the text (or use --input)")
    parser.add_argument("--input", help='JSONL file, one {"text": ...} per line (the classifier loads once)')
    parser.add_argument("--classifier", default=None,
                        help="classifier directory or *ForSequenceClassification model (default: the shipped one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per text")


def cmd_predict(args: argparse.Namespace) -> int:
    from components.core.classifier import load_classifier
    from components.predict.compute import predict_text

    def compute(text: str, _label: str | None):
        pred = predict_text(load_classifier(args.classifier), text)
        return {"text": text, "scores": pred.scores(), "predicted": pred.predicted()}, list(pred.warnings)

    def show(record: dict) -> str:
        ranked = sorted(record["scores"].items(), key=lambda kv: -kv[1])
        return "\n".join(f"{'*' if name in record['predicted'] else ' '} {name:16s} {p:.4f}" for name, p in ranked)

    return run_lines(args, compute, show)


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "predict", help="every label's probability for a text (the Predict tab's numbers)",
        description='Prints {"text", "scores": {label: probability}, "predicted": [labels passing their '
                    "thresholds]} per text; * marks a predicted label without --json.")
    add_common(parser)
    parser.set_defaults(func=cmd_predict)
    return parser
