"""`python app.py layer`: one encoder layer recomputed step by step for one token, as the Inside-a-layer tab does.

    python app.py layer --model minilm --text "The animal didn't cross the street because it was tired." \\
        --layer 4 --head 2 --token 10 --json
    python app.py layer --model minilm --input queries.jsonl --json   # {"text", "layer", "head", "token"} a line

Each answer is the tab's record: ``tokens`` (the tokenizer's pieces, specials included), ``layer``,
``head``, ``token``, ``scores`` (q·k/√d plus the mask, one per key token), ``attention_row``,
``output`` (the token's vector after the layer, recomputed), every step between them, the token
``across_layers``, ``checks`` {"attention_max_abs_diff", "output_max_abs_diff"} against the model's
own ``output_attentions`` / ``hidden_states``, and ``"numbering": "layers and heads from 1"``:
layer L reads hidden_states[L-1] and writes hidden_states[L]; token positions from 0 (without
``--token``, or with -1: the first token that is not [CLS]).

Design decision: the model loads once; the input file's shape is checked before it loads (a line
that is not an object with "text" stops the command, naming the line), while a line whose
computation fails (a layer, head or token out of range, an empty text) prints ``{"line": N,
"error": ...}`` in its place, so the output stays aligned with the input; the command then ends
with status 1. Lines may omit "layer", "head", "token" (and give "pair"): the options fill them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.cli.jsonl import read_objects

__all__ = ["register"]


def _query(item: dict, args: argparse.Namespace) -> tuple[str, str | None, int, int, int]:
    values = []
    for name in ("layer", "head", "token"):
        value = item.get(name, getattr(args, name))
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f'"{name}" must be an integer, got {json.dumps(value)[:40]}.')
        values.append(value)
    pair = item.get("pair", args.pair)
    if not isinstance(item.get("text"), str) or not isinstance(pair, str | None):
        raise ValueError('"text" (and "pair", when given) must be strings.')
    return item["text"], pair, *values


def _answer(model, text: str, pair: str | None, layer: int, head: int, token: int) -> dict:
    from components.core.analysis import analyze
    from components.layer.across import across_layers
    from components.layer.compute import encoder_layer, inside_layer
    from components.layer.view import default_query, record

    encoder_layer(model, 1)
    analysis = analyze(model, text, pair)
    position = default_query(analysis) if token == -1 else token
    return record(inside_layer(model, analysis, layer, head, position), across_layers(model, analysis, position))


def _human(record: dict) -> str:
    checks = record["checks"]
    lines = [f"{record['model']}: layer {record['layer']}, head {record['head']}, token {record['token']} "
             f"{record['tokens'][record['token']]!r} (layers and heads from 1, positions from 0)",
             "position piece            score  attention"]
    lines += [f"{j:8d} {piece[:14]:14s} {score:8.3f}  {weight:.4f}" for j, (piece, score, weight)
              in enumerate(zip(record["tokens"], record["scores"], record["attention_row"]))]
    lines.append(f"checks: attention max |diff| {checks['attention_max_abs_diff']:.2e}, "
                 f"output max |diff| {checks['output_max_abs_diff']:.2e}")
    return "\n".join(lines)


def cmd_layer(args: argparse.Namespace) -> int:
    from components.core.models import load_model

    if (args.text is None) == (args.input is None):
        print("error: give either --text TEXT or --input FILE.jsonl", file=sys.stderr)
        return 2
    try:
        items = ([(number, item) for _, number, item in read_objects(Path(args.input), ("text",), "no lines to read.")]
                 if args.input else [(1, {"text": args.text})])
        model = load_model(args.model)
    except ValueError as exc:  # a bad file or a model that cannot be had (ModelUnavailable is a ValueError)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for number, item in items:
        try:
            answer = _answer(model, *_query(item, args))
        except ValueError as exc:  # UserError included: its English text
            failed += 1
            if not args.input:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        print(json.dumps(answer, ensure_ascii=False) if args.json else _human(answer), flush=True)
    if failed:
        print(f"note: {failed} of {len(items)} line(s) failed", file=sys.stderr)
    return 1 if failed else 0


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "layer", help="one encoder layer recomputed step by step for one token, checked against the model",
        description="Recomputes layer L (from 1) for the token at a position (from 0) and head H (from 1) from the "
                    "checkpoint's weights and prints every step, with the largest differences from the model's own "
                    "attention row and output. BERT and RoBERTa encoders.")
    parser.add_argument("--model", default="minilm", help="model name (preset, local directory or Hub id)")
    parser.add_argument("--text", help="the sentence (or use --input)")
    parser.add_argument("--pair", default=None, help="an optional second sentence (segment B)")
    parser.add_argument("--input", help='JSONL file, one {"text", "layer", "head", "token"} per line')
    parser.add_argument("--layer", type=int, default=1, help="layer, from 1 (default 1)")
    parser.add_argument("--head", type=int, default=1, help="head, from 1 (default 1)")
    parser.add_argument("--token", type=int, default=-1,
                        help="the query token's position, from 0 (default -1: the first token after [CLS])")
    parser.add_argument("--json", action="store_true", help="print one JSON object per query")
    parser.set_defaults(func=cmd_layer)
    return parser
