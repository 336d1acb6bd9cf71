"""`python app.py heads`: every head's role measured over a corpus (the Head roles tab's numbers).

    python app.py heads --model minilm --json                 # the built-in corpus in the model's language
    python app.py heads --model minilm --input mine.txt --json  # one sentence a line

Prints {"model", "sentences", "tokens", "heads": [{"layer", "head", "cls", "sep", "punct", "self",
"prev", "next", "entropy", "role"}], "numbering": "layers and heads from 1"} with ``--json``, else a
table. Uses the same cache as the tab (a corpus measured in class prints at once here, and back).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["cmd_heads", "register"]


def cmd_heads(args: argparse.Namespace) -> int:
    from components.core.messages import UserError, render
    from components.core.models import load_model
    from components.heads.compute import STATS, head_roles, parse_corpus

    try:
        sentences = None
        if args.input:
            try:
                sentences = parse_corpus(Path(args.input).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                print(f"error: cannot read {args.input}: {exc}", file=sys.stderr)
                return 1
        roles = head_roles(load_model(args.model), sentences)
    except UserError as exc:
        print(f"error: {exc.render('en')}", file=sys.stderr)
        return 1
    for note in roles.warnings():
        print(f"note: {render(note, 'en')}", file=sys.stderr)
    record = roles.to_json()
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    print(f"{record['model']}: {record['sentences']} sentences, {record['tokens']} tokens; "
          f"role = {record['role_rule']}; layers and heads from 1")
    print("layer head " + " ".join(f"{s:>7s}" for s in STATS) + "  role")
    for row in record["heads"]:
        print(f"{row['layer']:5d} {row['head']:4d} " + " ".join(f"{row[s]:7.3f}" for s in STATS) + f"  {row['role']}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "heads", help="each head's mean attention to [CLS], [SEP], punctuation, itself, previous/next token",
        description="Measures every layer and head over a corpus (one sentence a line; default: the built-in "
                    "corpus in the model's language). Layers and heads from 1.")
    parser.add_argument("--model", default="minilm", help="model name (preset, local directory or Hub id)")
    parser.add_argument("--input", help="text file, one sentence a line")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=cmd_heads)
    return parser
