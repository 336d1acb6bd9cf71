"""`python app.py fill-mask` and `python app.py next-sentence`: BERT's pre-training heads, for scripts.

    python app.py fill-mask "The capital of France is [MASK]." --model bert-base-uncased --top-k 5 --json
    python app.py fill-mask --input texts.jsonl --model DIR --json           # {"text": ...} per line
    python app.py next-sentence "The sun rose." "The sky grew brighter." --model bert-base-uncased --json
    python app.py next-sentence --input pairs.jsonl --model DIR --json       # {"a": ..., "b": ...} per line

Design decision: the commands go through the very functions the Pre-training tab uses
(``fill_mask``, ``next_sentence``), with the model loaded once for every input; the whole input
file is read and checked before the model loads, errors name the file and line, and the
classroom filter is off unless asked (scripts get the model's own numbers, equal to
``pipeline("fill-mask")``). A model without the head is an error that says which models have it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.cli.jsonl import read_objects

__all__ = ["read_inputs", "register"]


def read_inputs(path: Path, fields: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line; ValueError names the bad line."""
    items = []
    for where, number, item in read_objects(path, fields, "no lines to read."):
        if not all(isinstance(item[f], str) for f in fields):
            raise ValueError(f"{where}: {', '.join(fields)} must be strings.")
        items.append((number, item))
    return items


def _inputs(args: argparse.Namespace, fields: tuple[str, ...]) -> tuple[str, list[tuple[int, dict]]]:
    given = list(args.texts)
    if args.input and given:
        raise ValueError("give either text on the command line or --input FILE.jsonl, not both.")
    if args.input:
        return Path(args.input).name, read_inputs(Path(args.input), fields)
    if len(given) != len(fields):
        raise ValueError(f"expected {len(fields)} argument(s) ({' '.join(f.upper() for f in fields)}) "
                         "or --input FILE.jsonl.")
    return "argument", [(1, dict(zip(fields, given)))]


def _print(record: dict, as_json: bool, human: str) -> None:
    print(json.dumps(record, ensure_ascii=False) if as_json else human, flush=True)


def cmd_fill_mask(args: argparse.Namespace) -> int:
    from components.core.models import load_model
    from components.pretraining.compute import fill_mask

    try:
        source, items = _inputs(args, ("text",))
        model = load_model(args.model)
        for number, item in items:
            try:
                result = fill_mask(model, item["text"], top_k=args.top_k, classroom=args.classroom_filter)
            except ValueError as exc:
                raise ValueError(f"{source} line {number}: {exc}" if args.input else str(exc)) from None
            masks = [{"index": m.position, "predictions": [{"token": p, "score": s} for p, s in zip(m.pieces, m.probs)]}
                     for m in result.masks]
            human = "\n".join([item["text"], *(f"  [MASK] #{m['index']}: " + ", ".join(
                f"{p['token']} {p['score']:.3f}" for p in m["predictions"]) for m in masks)])
            _print({"text": item["text"], "masks": masks}, args.json, human)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_next_sentence(args: argparse.Namespace) -> int:
    from components.core.models import load_model
    from components.pretraining.compute import next_sentence

    try:
        source, items = _inputs(args, ("a", "b"))
        model = load_model(args.model)
        for number, item in items:
            try:
                _, p = next_sentence(model, item["a"], item["b"])
            except ValueError as exc:
                raise ValueError(f"{source} line {number}: {exc}" if args.input else str(exc)) from None
            _print({"a": item["a"], "b": item["b"], "is_next": p}, args.json,
                   f"P(IsNext) = {p:.3f}  A: {item['a']}  B: {item['b']}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    """Register `fill-mask` and `next-sentence` on the app's subparsers."""
    fill = subparsers.add_parser(
        "fill-mask", help="predict every [MASK] with BERT's masked-LM head (JSON lines with --json)",
        description='Each input: a text with one or more [MASK]. --input FILE.jsonl holds {"text": ...} per line. '
                    'Prints per input {"text": ..., "masks": [{"index": token index, "predictions": '
                    '[{"token": piece, "score": probability}, ...]}]}, masks in order.')
    fill.add_argument("texts", nargs="*", metavar="TEXT", help="a text with [MASK] (or use --input)")
    fill.add_argument("--top-k", type=int, default=5, help="predictions per mask (default 5, at most 50)")
    fill.add_argument("--classroom-filter", action="store_true",
                      help="hide offensive pieces as the app does (default: the model's own top-k)")
    fill.set_defaults(func=cmd_fill_mask)
    nsp = subparsers.add_parser(
        "next-sentence", help="P(IsNext) from BERT's next-sentence head (JSON lines with --json)",
        description='Each input: sentences A and B. --input FILE.jsonl holds {"a": ..., "b": ...} per line. '
                    'Prints per input {"a": ..., "b": ..., "is_next": P(IsNext)}.')
    nsp.add_argument("texts", nargs="*", metavar="A B", help="sentence A and sentence B (or use --input)")
    nsp.set_defaults(func=cmd_next_sentence)
    for parser in (fill, nsp):
        parser.add_argument("--input", help="JSONL file, one input per line")
        parser.add_argument("--model", default="bert-base-uncased",
                            help="preset, local directory or Hub id with BERT's pre-training heads "
                                 "(default bert-base-uncased)")
        parser.add_argument("--json", action="store_true", help="print one JSON object per input")
