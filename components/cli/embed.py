"""`python app.py embed`: contextual vectors of character spans, for research outside the app.

    python app.py embed --model minilm --layer 6 --input spans.jsonl --out vectors.npy
    python app.py embed --model minilm --layer all --input spans.jsonl --out vectors.npy

Each input line is ``{"text": ..., "start": ..., "end": ...}``; the output holds one mean-pooled
vector per line, shape (N, H), or (N, layers+1, H) for ``--layer all``.

Design decision: the CLI goes through the very path the Polysemy tab uses (``analyze`` and
``char_span_to_tokens``), so a vector exported here is the vector the class saw. The whole input
is validated before the model runs, and nothing is written unless every line succeeded; errors
name the file and line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from components.cli.jsonl import read_objects

__all__ = ["register", "cmd_embed", "embed_spans", "read_spans"]


def read_spans(path: Path) -> list[tuple[int, str, int, int]]:
    """(line number, text, start, end) for each non-blank line; ValueError names the bad line."""
    spans = []
    for where, number, item in read_objects(path, ("text", "start", "end"), "no lines to embed."):
        text, start, end = item["text"], item["start"], item["end"]
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: the text is empty.")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            raise ValueError(f"{where}: start and end must be integers (character offsets).")
        if not 0 <= start < end <= len(text):
            raise ValueError(f"{where}: span {start}:{end} is outside the text (length {len(text)}).")
        spans.append((number, text, start, end))
    return spans


def embed_spans(model, spans: list[tuple[int, str, int, int]], layer: str, source: str = "input") -> np.ndarray:
    """Mean-pooled span vectors at one layer (N, H) or all layers (N, L+1, H)."""
    from components.core.analysis import analyze, char_span_to_tokens, pool_span

    n_layers = int(model.config.num_hidden_layers)
    if layer != "all":
        try:
            index = int(layer)
        except ValueError:
            raise ValueError(f"--layer must be an integer 0..{n_layers} (or -1 for the last) or 'all'.") from None
        if not -n_layers - 1 <= index <= n_layers:
            raise ValueError(f"--layer {layer}: {model.name} has layers 0 (embeddings) to {n_layers}.")
    rows = []
    for number, text, start, end in spans:
        try:
            analysis = analyze(model, text)
            shift = len(text) - len(text.lstrip())  # the analysis strips outer spaces: move the span with it
            if analysis.text != text.strip():
                raise ValueError("the text has control characters or non-NFC Unicode, which would move the "
                                 "offsets; normalise it (NFC) first")
            tokens = char_span_to_tokens(analysis, start - shift, end - shift)
        except ValueError as exc:
            raise ValueError(f"{source} line {number}: {exc}") from None
        pooled = pool_span(analysis, tokens)
        rows.append(pooled if layer == "all" else pooled[int(layer)])
    return np.stack(rows).astype(np.float32)


def cmd_embed(args: argparse.Namespace) -> int:
    from components.core.models import load_model

    try:
        spans = read_spans(Path(args.input))
        model = load_model(args.model)
        vectors = embed_spans(model, spans, str(args.layer), Path(args.input).name)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, vectors)
    print(f"{out}: {vectors.shape} float32 ({model.name}, layer {args.layer})")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Register `embed` on the app's subparsers; returns the new parser."""
    parser = subparsers.add_parser(
        "embed", help="write contextual vectors of character spans (JSONL in, .npy out)",
        description='Each input line: {"text": ..., "start": ..., "end": ...} (character span of the target). '
                    "Writes one mean-pooled vector per line: (N, H), or (N, layers+1, H) with --layer all.")
    parser.add_argument("--model", default="minilm", help="preset, local directory or Hub id (default minilm)")
    parser.add_argument("--layer", default="-1", help="0 = embedding output .. L, -1 = last (default), or 'all'")
    parser.add_argument("--input", required=True, help="JSONL file of spans")
    parser.add_argument("--out", required=True, help="output .npy file")
    parser.set_defaults(func=cmd_embed)
    return parser
